/** api_addr is the load balancer: a standby's 307 sends clients back to the balancer they came through. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'redirect-loop',
  summary: "every node advertises the load balancer as its api_addr: a standby's 307 sends clients back to it",
  description:
    "Every node advertises the load balancer as its api_addr, as in vault#6881 and #1482, and the balancer sends traffic to standbys too (standby-ok). Clients ask not to be forwarded (X-Vault-No-Request-Forwarding) and follow one redirect, as Vault's Go client does. A request that lands on a standby is redirected to its active's api_addr: the balancer, which sends the new connection on round-robin, most often to the other standby, and that request ends on a second 307. The checker names the loop: the Location is the very address the client asked. The fix is to give each node its own api_addr, or to let standbys forward.",
  balancer: { mode: 'standby-ok', advertise: true },
  steps: [
    { do: 'load', clients: 4, route: 'redirect' },
    { do: 'wait', ms: 4000 },
    { do: 'expect', that: 'redirect-loop' },
    { do: 'expect', that: { newTerms: 0 } },
  ],
});
