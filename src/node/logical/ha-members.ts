/**
 * `sys/ha-status`: the active node and the standbys it has heard from since it became
 * active, in Vault's shape (vault/ha.go getHAMembers): the active first built from its
 * own facts with last_echo null, each peer from its latest echo, all sorted by API
 * address. upgrade_version and redundancy_zone are Enterprise/raft fields Vault omits
 * when empty, so they never appear here.
 */
import type { Echo } from '../../ha/index.ts';

/** One row of sys/ha-status, as on the wire. */
export interface HaStatusNode {
  hostname: string;
  api_address: string;
  cluster_address: string;
  active_node: boolean;
  last_echo: string | null;
  echo_duration_ms: number;
  clock_skew_ms: number;
  replication_primary_canary_age_ms: number;
  version: string;
}

/** The facts of the node answering (the active). */
export interface SelfFacts {
  hostname: string;
  apiAddr: string;
  clusterAddr: string;
  version: string;
}

/** Builds the `nodes` list: the active plus its live peers, sorted by API address as Vault does. */
export function haMembers(self: SelfFacts, peers: Echo[]): HaStatusNode[] {
  const row = (n: SelfFacts, lastEcho: string | null): HaStatusNode => ({
    hostname: n.hostname,
    api_address: n.apiAddr,
    cluster_address: n.clusterAddr,
    active_node: lastEcho === null,
    last_echo: lastEcho,
    // One process, one clock, an in-memory channel: no measurable echo time or skew; no replication.
    echo_duration_ms: 0,
    clock_skew_ms: 0,
    replication_primary_canary_age_ms: 0,
    version: n.version,
  });
  const nodes = [row(self, null), ...peers.map((p) => row(p, new Date(p.at).toISOString()))];
  return nodes.sort((a, b) => (a.api_address < b.api_address ? -1 : a.api_address > b.api_address ? 1 : 0));
}
