/** An upgrade drill: every node restarts in turn; the report shows the total downtime. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'rolling-restart',
  summary: 'each node restarts in turn (an upgrade); shows the total downtime',
  description:
    'An upgrade: each node is stopped, restarted sealed and unsealed in turn (node1, node2, node3, whichever is active at the time: the worst order). The report shows the total downtime.',
  steps: [
    { do: 'load', clients: 3 },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'kill', target: 'node1', forMs: 800 },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: 'active' },
    { do: 'fault', kind: 'kill', target: 'node2', forMs: 800 },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: 'active' },
    { do: 'fault', kind: 'kill', target: 'node3', forMs: 800 },
    { do: 'wait', ms: 3000 },
    { do: 'expect', that: 'active' },
  ],
});
