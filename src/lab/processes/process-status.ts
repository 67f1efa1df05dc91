/**
 * `status --all` for a process lab: each node as its own API describes it (asked over HTTP,
 * as `vaultlab status -address` would), the lock as etcd holds it, and the processes: each
 * node's pid and state, each etcd member's health and which one leads.
 */
import type { Timings } from '../../ha/index.ts';
import type { LinkFaults } from '../../net/index.ts';
import { StorageKeys, type HABackend } from '../../storage/index.ts';
import type { EtcdCluster } from '../etcd/index.ts';
import type { LabStatus, LockStatus, NodeStatus, ProcessesStatus } from '../lab-status.ts';
import { nodeCall } from './node-http.ts';
import type { NodeProcess } from './node-process.ts';

/** What the status is read from. */
export interface ProcessStatusSource {
  nodes: readonly NodeProcess[];
  /** The faults on a node's links to etcd. */
  linkFaults(node: string): LinkFaults;
  /** The supervisor's own client of the nodes' storage (none for a lone level node). */
  storage?: HABackend;
  etcd?: EtcdCluster;
  endpoints: readonly string[];
  timings: Timings;
}

/** The faults acting on a node: its process's state, and its links to etcd. */
function faultsOf(p: NodeProcess, links: LinkFaults): string[] {
  const f = p.state === 'stopped' ? ['kill'] : p.state === 'paused' ? ['pause'] : [];
  if (links.partition) f.push('partition-storage');
  if (Object.entries(links).some(([k, v]) => k !== 'partition' && v)) f.push('link');
  return f;
}

async function nodeRow(p: NodeProcess, lock: LockStatus, links: LinkFaults): Promise<NodeStatus> {
  const head = { name: p.o.name, api_address: p.o.apiAddr, leader_address: '', term: 0 };
  const unknown = { initialized: null, sealed: null, t: null, n: null, progress: null, nonce: null };
  const faults = faultsOf(p, links);
  if (p.state !== 'running') return { ...head, ...unknown, ha_mode: p.state === 'paused' ? 'paused' : 'down', faults };
  const [seal, leader] = await Promise.all([nodeCall(p.o.apiAddr, 'GET', 'sys/seal-status'), nodeCall(p.o.apiAddr, 'GET', 'sys/leader')]);
  if (!seal) return { ...head, ...unknown, ha_mode: 'down', faults };
  const s = seal.body as { initialized: boolean; sealed: boolean; t: number; n: number; progress: number; nonce: string };
  const l = (leader?.status === 200 ? leader.body : {}) as { ha_enabled?: boolean; is_self?: boolean; leader_address?: string };
  // A lone node without HA (level) is its own active once unsealed; its sys/leader says is_self false, as Vault's does.
  const mode = !s.initialized ? 'uninitialized' : s.sealed ? 'sealed' : l.is_self || l.ha_enabled === false ? 'active' : 'standby';
  const term = mode === 'active' && lock.holder === p.o.name ? (lock.term ?? 0) : 0;
  const seen = { initialized: s.initialized, sealed: s.sealed, t: s.t, n: s.n, progress: s.progress, nonce: s.nonce };
  return {
    ...head,
    ...seen,
    ha_mode: mode,
    leader_address: mode === 'active' || mode === 'standby' ? (l.leader_address ?? '') : '',
    term,
    faults,
  };
}

async function lockStatus(src: ProcessStatusSource): Promise<LockStatus> {
  const t = src.timings;
  const knobs = { ttl_ms: t.lockTtlMs, renew_interval_ms: t.renewIntervalMs };
  const free = { held: false, holder: null, holder_address: null, term: null, lease_remaining_ms: null, ...knobs };
  if (!src.storage) return free;
  let v;
  try {
    v = await src.storage.lock(StorageKeys.lock, '', { holder: 'vaultlab-status', ttlMs: t.lockTtlMs }).value();
  } catch (e) {
    return { ...free, error: (e as Error).message };
  }
  if (!v.held) return free;
  const address = v.value ? ((JSON.parse(v.value) as { apiAddr?: string }).apiAddr ?? null) : null;
  const holder = src.nodes.find((n) => n.o.apiAddr === address)?.o.name ?? v.holder ?? null;
  return { held: true, holder, holder_address: address, term: v.term ?? null, lease_remaining_ms: null, ...knobs };
}

async function processes(src: ProcessStatusSource): Promise<ProcessesStatus> {
  const health = src.etcd ? await src.etcd.health() : [];
  return {
    nodes: src.nodes.map((p) => ({ name: p.o.name, pid: p.pid ?? null, state: p.state, config: p.o.configFile, log: p.o.logFile })),
    etcd: (src.etcd?.members ?? []).map((m) => {
      const h = health.find((x) => x.name === m.name);
      return {
        name: m.name,
        client_url: m.clientUrl,
        pid: m.pid ?? null,
        state: m.state,
        healthy: h?.healthy ?? false,
        leader: h?.leader ?? false,
      };
    }),
    etcd_endpoints: [...src.endpoints],
  };
}

/** The process lab's status now. */
export async function processLabStatus(src: ProcessStatusSource): Promise<LabStatus> {
  const lock = await lockStatus(src);
  const [nodes, procs] = await Promise.all([Promise.all(src.nodes.map((p) => nodeRow(p, lock, src.linkFaults(p.o.name)))), processes(src)]);
  const noActive = !nodes.some((n) => n.ha_mode === 'active');
  const quorum = procs.etcd.length > 0 && procs.etcd.filter((m) => m.healthy).length <= procs.etcd.length / 2;
  const trouble = {
    storageWarnings:
      noActive && quorum ? ['etcd has lost its quorum: no write, no lock, no active until a majority of members is back'] : [],
    campaigns: [],
  };
  return { nodes, lock, trouble, processes: procs };
}
