/** Clients that follow redirects meet a dead active: standbys keep naming it until its lease runs out. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'stale-redirect',
  summary: 'the active dies; standbys 307 clients to it until its lease runs out',
  description:
    "Clients ask any node with X-Vault-No-Request-Forwarding and follow a 307 once, as Vault's Go client does. The active dies holding its lock: while its lease runs (about one TTL) the standbys still name it, so every followed redirect meets a refused connection and writes nothing; a standby takes over, the others read the new lock within a leader check, and redirects reach the new active.",
  steps: [
    { do: 'load', clients: 4, route: 'redirect' },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'kill', target: 'active', forMs: 3000 },
    // Through the lease (1 s) and the standbys' next look at the lock.
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: 'active' },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: 'stale-redirects' },
    { do: 'expect', that: { newTerms: 1 } },
    { do: 'expect', that: { downtimeAtMostMs: 2000 } },
  ],
});
