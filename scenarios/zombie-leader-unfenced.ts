/** The split-brain mutant: the zombie-leader drill with fencing off must be caught (docs/invariants.md: the checker can fail). */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'zombie-leader-unfenced',
  summary: 'zombie-leader with fencing off: split brain and lost writes (the lesson)',
  description:
    "The zombie-leader drill with fencing switched off, as on Consul before vault#23013: the woken old active's frozen writes carry its stale term and storage accepts them, and over slow storage its read-modify-writes race the new active's. The checker must report the split brain and the lost writes.",
  fencing: false,
  steps: [
    { do: 'load', clients: 12, keys: 1 },
    { do: 'wait', ms: 500 },
    { do: 'fault', kind: 'slow-storage', latencyMs: 10, jitter: 0.5, forMs: 5000 },
    { do: 'wait', ms: 500 },
    { do: 'fault', kind: 'pause', target: 'active', forMs: 2500 },
    { do: 'wait', ms: 5000 },
    { do: 'expect', that: { violation: 'C2' } },
    { do: 'expect', that: 'lost-writes' },
  ],
});
