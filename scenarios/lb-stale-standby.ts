/** A standby the balancer still sends traffic to is sealed: requests meet it until the checks take it out. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'lb-stale-standby',
  summary: 'a standby the balancer routes to is sealed; requests meet it until three checks have failed',
  description:
    'The balancer sends traffic to standbys too (standby-ok: GET /v1/sys/health?standbyok=true), and they forward it to the active. One standby is sealed. It answers every request with 503 "Vault is sealed", but the balancer keeps sending it new connections until three checks in a row have failed, up to 6 s at HAProxy\'s 2 s interval. Those requests do nothing, and clients see errors while the cluster itself is healthy. Once the checks fail the balancer routes around it; when it is unsealed it comes back after two passing checks.',
  balancer: { mode: 'standby-ok' },
  steps: [
    { do: 'load', clients: 3 },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'seal', target: 'standby', forMs: 8000 },
    { do: 'wait', ms: 10000 },
    { do: 'expect', that: 'sealed-behind-balancer' },
    { do: 'expect', that: { newTerms: 0 } },
  ],
});
