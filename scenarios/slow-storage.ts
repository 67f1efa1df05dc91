/** Slow storage (vault#9920, vault#4961): requests slow down but leadership holds. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'slow-storage',
  summary: 'storage slows to 25 ms ± 80 % per call; leadership holds',
  description:
    'Storage slows to 25 ms ± 80 % per call for two seconds: requests slow down and some time out, leadership holds, nothing acknowledged is lost.',
  steps: [
    { do: 'load', clients: 3 },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'slow-storage', latencyMs: 25, jitter: 0.8, forMs: 2000 },
    { do: 'wait', ms: 3000 },
    { do: 'expect', that: 'active' },
    { do: 'expect', that: { newTerms: 0 } },
  ],
});
