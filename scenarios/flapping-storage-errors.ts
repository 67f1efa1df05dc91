/** Flaky storage (vault#18582): leadership may flap while it fails, and must settle after. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'flapping-storage-errors',
  summary: 'one storage call in five fails, twice; leadership may change hands',
  description:
    'One storage call in five fails, twice: renewals fail so leadership may change hands (vault#18582), writes fail without being acknowledged, and the cluster settles on one active afterwards.',
  steps: [
    { do: 'load', clients: 3 },
    { do: 'wait', ms: 800 },
    { do: 'fault', kind: 'storage-errors', errorRate: 0.2, forMs: 1200 },
    { do: 'wait', ms: 2200 },
    { do: 'fault', kind: 'storage-errors', errorRate: 0.2, forMs: 1000 },
    { do: 'wait', ms: 3000 },
    { do: 'expect', that: 'active' },
  ],
});
