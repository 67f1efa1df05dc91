/** Someone deletes core/lock (vault#6636): the cluster must settle on one new term, not flap. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'lock-key-deleted',
  summary: 'someone deletes core/lock; the cluster settles on one new term',
  description:
    'Someone deletes core/lock from storage (vault#6636, where leadership then rotated forever): the active loses its lock and the cluster settles on exactly one new term.',
  steps: [
    { do: 'load', clients: 3 },
    { do: 'wait', ms: 1500 },
    { do: 'fault', kind: 'delete-lock' },
    { do: 'wait', ms: 3500 },
    { do: 'expect', that: 'active' },
    { do: 'expect', that: { newTerms: 1 } },
  ],
});
