/** The active process is SIGSTOPped past its lease: etcd itself refuses whatever it still had in flight. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'zombie-leader-sigstop',
  summary: 'the active process is SIGSTOPped past its lease; etcd refuses its writes when it wakes',
  description:
    "Node processes on etcd, under load: the active process is stopped with SIGSTOP (a GC pause, a frozen VM) for three lock TTLs. etcd expires its lease and deletes the lock key; a standby takes the lock with a higher term. When SIGCONT wakes the old active, every write it still had in flight compares its old term with the lock key's create revision in the same etcd transaction, and etcd refuses it; the woken node finds the lock taken and becomes a standby. The drill reports how many writes etcd fenced and how long two nodes both said they were active.",
  processes: true,
  steps: [
    { do: 'load', clients: 12, keys: 1 },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'pause', target: 'active', forMs: 3000 },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: 'active' },
    { do: 'wait', ms: 3000 },
    { do: 'expect', that: 'active' },
    { do: 'expect', that: { newTerms: 1 } },
  ],
});
