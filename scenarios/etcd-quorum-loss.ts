/** etcd loses its quorum: no lock can be held, so no node serves as active, and nothing acknowledged is lost. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'etcd-quorum-loss',
  summary: 'two of three etcd members die; no active while quorum is gone, back soon after it returns',
  description:
    "Node processes on a three-member etcd, under load: two members are SIGKILLed, so etcd has no quorum and answers no write and no lease keepalive. The active's renewals fail, it steps down within its lease, and no node can take the lock: writes fail, none is acknowledged. When the members return the cluster elects an active again; every write acknowledged before is still there.",
  processes: true,
  steps: [
    { do: 'load', clients: 3 },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'etcd-quorum', forMs: 4000 },
    { do: 'wait', ms: 3000 },
    { do: 'expect', that: 'no-active' },
    { do: 'wait', ms: 5000 },
    { do: 'expect', that: 'active' },
  ],
});
