/**
 * What a client can see of a node's lifecycle state over HTTP: sys/seal-status,
 * sys/health and sys/leader, reduced to the fields that tell the states apart; what
 * Vault answers in each machine state; and the state a set of answers shows. The
 * replay of the machine's paths compares the first two and counts coverage with the third.
 */
import type { NodeState } from '../../src/node/index.ts';
import { leafOf, type NodeSnapshot } from './machine-model.ts';
import { isRefused, type VaultHttp } from './vault-http.ts';

/** The status answers of one node (null where nothing listened). */
export interface Observation {
  reachable: boolean;
  sealStatus: { initialized: boolean; sealed: boolean; progress: number; nonceSet: boolean } | null;
  health: number | null;
  leader: { status: number; ha_enabled?: boolean; is_self?: boolean; leader_address?: string } | null;
}

const UNREACHABLE: Observation = { reachable: false, sealStatus: null, health: null, leader: null };

/** Asks a node its three status questions; a refused connection is a stopped node. */
export async function observe(http: VaultHttp, url: string): Promise<Observation> {
  try {
    const seal = await http.send(url, 'GET', '/v1/sys/seal-status');
    const health = await http.send(url, 'GET', '/v1/sys/health');
    const leader = await http.send(url, 'GET', '/v1/sys/leader');
    const { initialized, sealed, progress, nonce } = seal.body;
    return {
      reachable: true,
      sealStatus: { initialized, sealed, progress, nonceSet: nonce !== '' },
      health: health.status,
      leader:
        leader.status === 200
          ? { status: 200, ha_enabled: leader.body.ha_enabled, is_self: leader.body.is_self, leader_address: leader.body.leader_address }
          : { status: leader.status },
    };
  } catch (err) {
    if (isRefused(err)) return UNREACHABLE;
    throw err;
  }
}

/** The state a client reads from the answers (health's code decides, as a load balancer's would). */
export function stateShown(o: Observation): NodeState | 'unknown' {
  if (!o.reachable) return 'stopped';
  const byCode: Record<number, NodeState> = { 200: 'active', 429: 'standby', 501: 'uninitialized', 503: 'sealed' };
  return byCode[o.health ?? 0] ?? 'unknown';
}

/** The node under test's address and, in HA, the other node's (the active whenever this one is not). */
export interface Addresses {
  self: string;
  peer?: string;
}

/** What Vault answers in the machine's state (health defaults; sealed HA nodes answer sys/leader 503). */
export function expectedObservation(snapshot: NodeSnapshot, addr: Addresses): Observation {
  const state = leafOf(snapshot);
  if (state === 'stopped') return UNREACHABLE;
  const { haEnabled, initialized, progress } = snapshot.context;
  const sealed = state === 'sealed' || state === 'uninitialized';
  const shownProgress = sealed ? progress : 0;
  const health = { uninitialized: 501, sealed: 503, standby: 429, active: 200 }[state];
  let leader: Observation['leader'];
  if (!haEnabled) leader = { status: 200, ha_enabled: false, is_self: false, leader_address: '' };
  else if (sealed) leader = { status: 503 };
  else leader = { status: 200, ha_enabled: true, is_self: state === 'active', leader_address: state === 'active' ? addr.self : addr.peer };
  return {
    reachable: true,
    sealStatus: { initialized, sealed, progress: shownProgress, nonceSet: shownProgress > 0 },
    health,
    leader,
  };
}
