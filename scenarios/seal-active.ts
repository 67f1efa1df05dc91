/** An operator seals the active: the lock is released at once, so failover is fast. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'seal-active',
  summary: 'an operator seals the active; a standby takes over at once',
  description:
    'An operator seals the active node: it releases the lock at once and a standby takes over within one leader check; the sealed node is unsealed and rejoins as a standby.',
  steps: [
    { do: 'load', clients: 3 },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'seal', target: 'active', forMs: 1500 },
    { do: 'wait', ms: 500 },
    { do: 'expect', that: 'active' },
    { do: 'wait', ms: 2500 },
    { do: 'expect', that: { newTerms: 1 } },
    { do: 'expect', that: { downtimeAtMostMs: 500 } },
  ],
});
