/**
 * What `status --all` shows, read from the lab's state at one instant: each node as its own
 * API would describe it (Vault's snake_case names: its `leader_address` is what that node's
 * sys/leader says, so the row and `vaultlab status -address=<node>` agree, in a failover gap
 * too), the faults acting on it, and the HA lock as storage holds it (holder, term, lease left).
 */
import { StorageKeys } from '../storage/index.ts';
import type { Cluster } from './cluster.ts';
import { describeCheck } from './balancer/check-settings.ts';
import type { LabBalancer } from './lab-balancer.ts';
import type { LabNode } from './lab-node.ts';
import { labTrouble, type LabTrouble } from './lab-trouble.ts';

/** One node's row. A killed node answers nothing: its seal fields are null and its ha_mode is "down". */
export interface NodeStatus {
  name: string;
  api_address: string;
  initialized: boolean | null;
  sealed: boolean | null;
  /** Threshold and shares (Vault's seal-status t and n). */
  t: number | null;
  n: number | null;
  progress: number | null;
  /** The unseal attempt's nonce ('' when none is in progress), as the node's seal-status shows it. */
  nonce: string | null;
  /** 'paused': a process lab's node stopped by SIGSTOP, which answers nothing until resumed. */
  ha_mode: 'active' | 'standby' | 'sealed' | 'uninitialized' | 'down' | 'paused';
  /** The active node's API address as this node knows it (its sys/leader leader_address); '' when it knows none. */
  leader_address: string;
  /** The lock term this node holds while active (0 otherwise). */
  term: number;
  /** The lab faults acting on it now, in `vaultlab fault` words. */
  faults: string[];
  /** The zone of the lab's topology it sits in; absent in a lab without a topology. */
  zone?: string;
}

/** The HA lock as storage holds it. */
export interface LockStatus {
  held: boolean;
  /** The holder's node name, and its API address as the lock advertises it. */
  holder: string | null;
  holder_address: string | null;
  term: number | null;
  /** Until the lease runs out unless renewed (storage may keep a crashed holder's lease longer, e.g. Consul). */
  lease_remaining_ms: number | null;
  ttl_ms: number;
  renew_interval_ms: number;
  /** Why the lock could not be read (a process lab's etcd without quorum); the other fields are then unknown. */
  error?: string;
}

/** One node as the balancer's checks see it. */
export interface BalancerServerStatus {
  name: string;
  /** Whether the balancer sends it new connections now. */
  up: boolean;
  /** HAProxy's words: "UP", "DOWN", "UP 2/3", "DOWN 1/2". */
  status: string;
  /** The last check: "L7OK 200", "L7STS 429", "L4CON"; "" before the first. */
  last_check: string;
  sessions: { total: number; current: number };
}

/** The balancer in front of the lab (`up --lb`). */
export interface BalancerStatus {
  url: string;
  kind: 'builtin' | 'haproxy';
  mode: 'active' | 'standby-ok';
  /** Its check in HAProxy's words: "inter 2s fall 3 rise 2". */
  check: string;
  servers: BalancerServerStatus[];
  /** Why its servers could not be read (HAProxy gone), if they could not. */
  error?: string;
}

/** A process lab's processes: each node's, and each etcd member's with its health. */
export interface ProcessesStatus {
  nodes: Array<{ name: string; pid: number | null; state: 'running' | 'paused' | 'stopped'; config: string; log: string }>;
  /** The lab's own etcd members; empty when the lab uses an etcd it did not start. */
  etcd: Array<{
    name: string;
    client_url: string;
    pid: number | null;
    state: 'running' | 'paused' | 'stopped';
    healthy: boolean;
    leader: boolean;
  }>;
  /** The etcd endpoints the nodes use. */
  etcd_endpoints: string[];
}

/** The control endpoint's status answer. */
export interface LabStatus {
  nodes: NodeStatus[];
  lock: LockStatus;
  trouble: LabTrouble;
  /** Present when the lab has a balancer. */
  balancer?: BalancerStatus;
  /** Present when each node is its own process (`up --processes`). */
  processes?: ProcessesStatus;
}

/** The faults acting on one node, storage-wide ones included. */
function nodeFaults(cluster: Cluster, n: LabNode): string[] {
  const f: string[] = [];
  if (!n.up) f.push('kill');
  if (n.node.paused) f.push('pause');
  if (n.storage.partitioned) f.push('partition-storage');
  if (n.forwarder.blocked) f.push('partition-peers');
  if (cluster.network?.hasLinkFaults(n.name)) f.push('link');
  if (cluster.storageFaults.latencyMs > 0) f.push('slow-storage');
  if (cluster.storageFaults.errorRate > 0) f.push('storage-errors');
  return f;
}

function nodeStatus(cluster: Cluster, n: LabNode): NodeStatus {
  const row = { name: n.name, api_address: n.apiAddr };
  const faults = nodeFaults(cluster, n);
  const zone = n.zone === undefined ? {} : { zone: n.zone };
  if (!n.up) {
    const unknown = { initialized: null, sealed: null, t: null, n: null, progress: null, nonce: null };
    return { ...row, ...unknown, ha_mode: 'down', leader_address: '', term: 0, faults, ...zone };
  }
  const s = n.node.sealStatus() as { initialized: boolean; sealed: boolean; progress: number; t: number; n: number; nonce: string };
  const state = n.node.state;
  const mode = state === 'active' || state === 'standby' || state === 'uninitialized' ? state : 'sealed';
  const leader = mode === 'active' || mode === 'standby' ? (n.node.leaderAddress()?.apiAddr ?? '') : '';
  const seal = { initialized: s.initialized, sealed: s.sealed, t: s.t, n: s.n, progress: s.progress, nonce: s.nonce };
  return { ...row, ...seal, ha_mode: mode, leader_address: leader, term: n.node.term, faults, ...zone };
}

/** The lock's holder, term and lease, read from the shared backend itself (no node's faults in the way). */
async function lockStatus(cluster: Cluster): Promise<LockStatus> {
  const t = cluster.timings;
  const ttl = { ttl_ms: t.lockTtlMs, renew_interval_ms: t.renewIntervalMs };
  const v = await cluster.backend.lock(StorageKeys.lock, '', { holder: 'vaultlab-status', ttlMs: t.lockTtlMs }).value();
  if (!v.held) return { held: false, holder: null, holder_address: null, term: null, lease_remaining_ms: null, ...ttl };
  const address = v.value ? ((JSON.parse(v.value) as { apiAddr?: string }).apiAddr ?? null) : null;
  // By holder id, as a node tells its own entry (the address is every node's when each advertises the balancer);
  // by address for an entry left by an earlier run of the lab, whose ids were others.
  const owner = v.holder ? cluster.nodes.find((n) => n.leadership.isOwnEntry(v.holder!)) : undefined;
  const holder = (owner ?? cluster.nodes.find((n) => n.apiAddr === address))?.name ?? v.holder ?? null;
  const left = v.expires === undefined ? null : Math.max(0, v.expires - cluster.clock.now());
  return { held: true, holder, holder_address: address, term: v.term ?? null, lease_remaining_ms: left, ...ttl };
}

/** The balancer and each node's check state as it sees them; an unreadable HAProxy says why instead of failing the status. */
async function balancerStatus(lb: LabBalancer): Promise<BalancerStatus> {
  const { kind, mode, check } = lb.balancer;
  const head = { url: lb.url, kind, mode, check: describeCheck(check) };
  try {
    const servers = (await lb.balancer.servers()).map(({ lastCheck, ...s }) => ({ ...s, last_check: lastCheck }));
    return { ...head, servers };
  } catch (e) {
    return { ...head, servers: [], error: (e as Error).message };
  }
}

/** The whole lab's status now. */
export async function labStatus(cluster: Cluster): Promise<LabStatus> {
  const lock = await lockStatus(cluster);
  const status: LabStatus = { nodes: cluster.nodes.map((n) => nodeStatus(cluster, n)), lock, trouble: labTrouble(cluster) };
  if (cluster.balancer) status.balancer = await balancerStatus(cluster.balancer);
  return status;
}
