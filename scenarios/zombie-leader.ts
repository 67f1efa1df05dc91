/** The Jepsen pause with fencing on: the woken old active's stale writes are refused. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'zombie-leader',
  summary: 'the active freezes past its lease; fencing refuses its stale writes',
  description:
    'Storage is a little slow, so writes are in flight when the active freezes (a GC pause, a stopped VM) for longer than its lease; a standby takes over; when the old active wakes, its frozen writes carry its stale term, storage refuses them, and it steps down.',
  steps: [
    // Each client has one request frozen in the old active, and 3 in 10 requests are reads, which
    // no fencing refuses: with 12 clients all frozen ones are reads once in 10^6 runs, with 4 once in 100.
    { do: 'load', clients: 12, keys: 1 },
    { do: 'wait', ms: 500 },
    { do: 'fault', kind: 'slow-storage', latencyMs: 10, jitter: 0.5, forMs: 1000 },
    { do: 'wait', ms: 500 },
    { do: 'fault', kind: 'pause', target: 'active', forMs: 2500 },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: 'active' },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: 'fenced-writes' },
    { do: 'expect', that: { newTerms: 1 } },
  ],
});
