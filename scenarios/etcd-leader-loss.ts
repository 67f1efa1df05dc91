/** etcd loses its leader under load: the members elect another and Vault's active keeps its lock. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'etcd-leader-loss',
  summary: "etcd's leader dies under load; the others elect one, and nothing acknowledged is lost",
  description:
    "Node processes on a three-member etcd, under load: etcd's raft leader is SIGKILLed. The two members left elect a new leader after an election timeout (500 ms in the lab) and extend every lease as they do (etcd#17642). With Vault's 15 s lease the active rides that out; with the lab's 1 s lease the election can outlast the active's last renewal, so it may lose its lock and a standby take it: the drill shows which. Writes in flight may fail; none acknowledged is lost. The member comes back after three seconds and catches up.",
  processes: true,
  steps: [
    { do: 'load', clients: 3 },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'etcd-kill', target: 'leader', forMs: 3000 },
    { do: 'wait', ms: 1500 },
    { do: 'expect', that: 'active' },
    { do: 'wait', ms: 3000 },
    { do: 'expect', that: 'active' },
  ],
});
