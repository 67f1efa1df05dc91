/**
 * The lab side of a drill: a cluster on a SimClock with no sockets (virtual time) or on
 * real timers, listeners and the level backend (real time); the wiring that copies what
 * storage and the nodes report into the history; and, at the end, the final state of
 * every key and the time the cluster spent without an active node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock, settle, SimClock, type Clock } from '../clock/index.ts';
import type { Timings } from '../ha/index.ts';
import { Cluster } from '../lab/index.ts';
import type { Topology } from '../net/index.ts';
import { StorageKeys } from '../storage/index.ts';
import type { FinalKey, FinalState } from './checker.ts';
import type { DrillBalancer } from './drill-spec.ts';
import type { History, LockChange } from './history.ts';
import { seeded } from './rng.ts';

/** A drill's cluster and how to let time pass on it. */
export interface DrillCluster {
  cluster: Cluster;
  clock: Clock;
  /** Lets `ms` pass (instantly in virtual time). */
  wait(ms: number): Promise<void>;
  /**
   * Waits for `p`, in virtual time firing the clock's timers one by one while it waits on them:
   * with a topology every storage call crosses a wire timed on the clock, so the lab's own steps
   * (init, unseal, reading the final state) need time to pass. Without one nothing waits on the
   * clock there, and time stands still as it always has, so seeded drills replay unchanged.
   */
  finish<T>(p: Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What storage reports, as far as the history needs it (the storage room owns the full type). */
type StorageEventLike = { type: string; event?: string; key: string; holder?: string; term?: number };
type Observable = { onEvent?(fn: (e: StorageEventLike) => void): () => void; setFencing(on: boolean): void };

/** Starts a cluster for a drill: in-process memory storage in virtual time, or HTTP and level storage in real time. */
export async function startDrillCluster(o: {
  nodes: number;
  seed: number;
  realTime: boolean;
  timings: Timings;
  topology?: Topology;
  balancer?: DrillBalancer;
}): Promise<DrillCluster> {
  const clock = o.realTime ? new RealClock() : new SimClock(Date.UTC(2026, 0, 1));
  const dir = o.realTime ? mkdtempSync(join(tmpdir(), 'vaultlab-drill-')) : undefined;
  const finish = <T>(p: Promise<T>) => (clock instanceof SimClock && o.topology ? stepUntil(clock, p) : p);
  // Nodes read storage as they start: over a topology's wire that takes clock time too.
  const cluster = await finish(
    Cluster.start({
      nodes: o.nodes,
      storage: o.realTime ? 'level' : 'memory',
      dir,
      basePort: 0,
      listen: o.realTime,
      clock,
      timings: o.timings,
      random: seeded(o.seed ^ 0xfa17),
      topology: o.topology,
      // The built-in balancer: in virtual time the clients ask it where each connection lands.
      balancer: o.balancer && { ...o.balancer, kind: 'builtin', port: 0 },
    }),
  );
  const wait = (ms: number) => (clock instanceof SimClock ? clock.advance(ms) : clock.sleep(ms));
  const close = async () => {
    if (o.realTime) await cluster.close();
    else {
      // No listeners were opened; closing the nodes and storage is all there is.
      for (const n of cluster.nodes) n.node.close();
      await cluster.backend.close();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  return { cluster, clock, wait, finish, close };
}

/** Fires `clock`'s timers in order until `p` settles (or none is left to fire). */
async function stepUntil<T>(clock: SimClock, p: Promise<T>): Promise<T> {
  let done = false;
  const watched = p.finally(() => (done = true));
  await settle();
  for (let next = clock.nextDueAt; !done && next !== undefined; next = clock.nextDueAt) await clock.runUntil(next);
  return watched;
}

/** Copies storage's lock, write and fencing events and every node's state changes into the history. */
export function recordCluster(cluster: Cluster, history: History, fencing: boolean): void {
  const backend = cluster.backend as unknown as Observable;
  backend.setFencing(fencing);
  const clock = cluster.clock;
  const nodeOf = (holder = '') => holder.split('-')[0];
  backend.onEvent?.((e) => {
    if (e.type === 'lock' && e.term !== undefined)
      history.add({ t: clock.now(), kind: 'lock', node: nodeOf(e.holder), event: e.event as LockChange, term: e.term });
    if (e.type === 'fenced' && e.term !== undefined) history.add({ t: clock.now(), kind: 'fenced', key: e.key, term: e.term });
    // KV writes always (an unfenced one is a finding); other writes when they carry a term.
    if (e.type === 'write' && e.key !== StorageKeys.lock && (e.term !== undefined || e.key.startsWith('logical/')))
      history.add({ t: clock.now(), kind: 'storageWrite', key: e.key, term: e.term });
  });
  for (const n of cluster.nodes)
    n.node.onEvent((e) => e.type === 'state' && history.add({ t: e.time, kind: 'state', node: n.name, from: e.from, to: e.to }));
  cluster.balancer?.onChange((c) => history.add({ t: clock.now(), kind: 'balancer', node: c.server, to: c.to, check: c.view.lastCheck }));
}

/** Waits, letting time pass, until `p` settles (at most `limitMs` of clock time; then it is left running). */
export async function drive<T>(p: Promise<T>, wait: (ms: number) => Promise<void>, limitMs = 60_000): Promise<T | undefined> {
  let done = false;
  const watched = p.finally(() => (done = true));
  for (let waited = 0; waited < limitMs && !done; waited += 10) await wait(10);
  return done ? watched : undefined;
}

/** Waits until exactly one node is active and every running node is unsealed (true), or `limitMs` passes (false). */
export async function settled(dc: DrillCluster, limitMs: number): Promise<boolean> {
  const calm = () =>
    dc.cluster.active() !== undefined && dc.cluster.nodes.every((n) => !n.up || n.node.state === 'active' || n.node.state === 'standby');
  for (let waited = 0; waited < limitMs && !calm(); waited += 20) await dc.wait(20);
  return calm();
}

/** Reads every version of every drill key from the active node. */
export async function readFinal(cluster: Cluster, token: string, keys: number): Promise<FinalState> {
  const active = cluster.active();
  if (!active) throw new Error('no active node to read the final state from');
  return finalStateOf(keys, async (path, version) => {
    const data = version === undefined ? {} : { version };
    return (await active.node.handle({ operation: 'read', path, data, token })).response?.data as Record<string, unknown> | undefined;
  });
}

/** Every version of every drill key (k0, k1, ...), each read through `read`: a path, a version, and what it answers (undefined: nothing). */
export async function finalStateOf(
  keys: number,
  read: (path: string, version?: string) => Promise<Record<string, unknown> | undefined>,
): Promise<FinalState> {
  const final: FinalState = new Map();
  for (let k = 0; k < keys; k++) {
    const meta = (await read(`secret/metadata/k${k}`)) as { versions?: Record<string, unknown>; current_version?: number } | undefined;
    const entry: FinalKey = { current: null, versions: new Map() };
    for (const v of Object.keys(meta?.versions ?? {})) {
      const d = (await read(`secret/data/k${k}`, v)) as { data?: { v?: string } | null } | undefined;
      entry.versions.set(Number(v), d?.data?.v ?? null);
    }
    entry.current = entry.versions.get(meta?.current_version ?? 0) ?? null;
    final.set(`k${k}`, entry);
  }
  return final;
}

/** Clock ms within [from, to] during which no node was active. */
export function downtime(history: History, from: number, to: number): number {
  const active = new Set<string>();
  let down = 0;
  let since: number | undefined = from;
  for (const e of history.events) {
    if (e.kind !== 'state') continue;
    if (e.to === 'active') active.add(e.node);
    else active.delete(e.node);
    if (!active.size && since === undefined) since = e.t;
    if (active.size && since !== undefined) {
      down += Math.max(0, Math.min(e.t, to) - Math.max(since, from));
      since = undefined;
    }
  }
  if (since !== undefined) down += Math.max(0, to - Math.max(since, from));
  return down;
}
