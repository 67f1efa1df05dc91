/** The active process dies: the lease it abandoned must run out before anyone takes over. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'kill-active',
  summary: 'the active dies holding its lock; a standby takes over after one TTL',
  description:
    'The active process dies without releasing its lock: a standby takes over when the lease runs out (about one TTL); the killed node restarts sealed, is unsealed and rejoins as a standby.',
  steps: [
    { do: 'load', clients: 3 },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'kill', target: 'active', forMs: 2000 },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: 'active' },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: { newTerms: 1 } },
    { do: 'expect', that: { downtimeAtMostMs: 2000 } },
  ],
});
