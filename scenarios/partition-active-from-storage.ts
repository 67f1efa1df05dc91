/** The active loses storage (vault#5045: the leader must step down when storage is unreachable). */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'partition-active-from-storage',
  summary: 'the active loses storage, steps down; a standby takes over',
  description:
    'The active loses its storage connection: its renewals fail, it steps down, a standby takes over once the lease runs out; the partitioned node rejoins as a standby when healed.',
  steps: [
    { do: 'load', clients: 3 },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'partition-storage', target: 'active', forMs: 2500 },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: 'active' },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: { newTerms: 1 } },
  ],
});
