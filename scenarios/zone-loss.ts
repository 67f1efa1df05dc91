/** A whole zone goes dark with the active in it: a node in another zone takes over, and nothing acknowledged is lost. */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'zone-loss',
  summary: "the active's zone goes dark; a node in another zone takes over after one TTL",
  description:
    'Three nodes in three zones (three-zones: 0.2 ms RTT inside a zone, 1–2 ms between zones, clients 20 ms away, storage in z1). The zone the active sits in goes dark: its nodes lose their clients, their peers and storage at once. The cut-off active cannot renew its lease, so after one TTL a node in another zone takes the lock; requests sent to the dark zone time out (their outcome is unknown, never a lost write). When the zone comes back, its node rejoins as a standby.',
  topology: 'three-zones',
  steps: [
    { do: 'load', clients: 3 },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'zone-down', target: 'active', forMs: 3000 },
    { do: 'wait', ms: 2500 },
    { do: 'expect', that: 'active' },
    { do: 'expect', that: 'active-in-another-zone' },
    { do: 'wait', ms: 2500 },
    { do: 'expect', that: { newTerms: 1 } },
    { do: 'expect', that: { downtimeAtMostMs: 2500 } },
  ],
});
