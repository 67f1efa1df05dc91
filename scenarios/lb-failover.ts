/** The active dies behind a load balancer: clients wait out the lease and then the balancer's checks. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'lb-failover',
  summary: "the active dies behind a load balancer; clients wait out the lease, then the balancer's checks",
  description:
    "Clients reach the cluster only through a load balancer that sends traffic to the node whose GET /v1/sys/health answers 200, checked as HAProxy does by default: every 2 s, 3 failures in a row take a node out, 2 passes put it back. The active dies holding its lock. A standby takes over when the lease runs out (about one TTL), but the balancer puts it in rotation only after two passing checks, up to 4 s later; until the dead node fails three checks, connections still go to it, and the balancer retries each one three times, a second apart, before closing it. The clients' window is the lease plus the balancer's detection: longer than either.",
  balancer: { mode: 'active' },
  steps: [
    { do: 'load', clients: 3 },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'kill', target: 'active', forMs: 8000 },
    { do: 'wait', ms: 8000 },
    { do: 'expect', that: 'active' },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: { newTerms: 1 } },
    { do: 'expect', that: { downtimeAtMostMs: 6000 } },
  ],
});
