/**
 * Plays a drill in virtual time: a lab cluster on a SimClock with no sockets, clients
 * driving the nodes directly with KV v2 writes and reads, faults fired at their times
 * from the seeded spec, everything recorded into a History; then every fault is healed,
 * the cluster settles, the final state is read and the checker runs. Same seed, same drill.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock, SimClock } from '../clock/index.ts';
import { LAB_TIMINGS } from '../ha/index.ts';
import { Cluster } from '../lab/index.ts';
import type { LevelFamilyBackend, StorageEvent } from '../storage/index.ts';
import { checkHistory, lostWrites, type FinalState, type Violation } from './checker.ts';
import type { DrillSpec } from './drill-spec.ts';
import { applyFault } from './faults.ts';
import { History } from './history.ts';
import { HttpTransport } from './http-transport.ts';
import { between, seeded } from './rng.ts';

/** How long a drill client waits for an answer before it counts the request as indeterminate. */
const CLIENT_TIMEOUT_MS = 500;

/** What a drill found. */
export interface DrillResult {
  spec: DrillSpec;
  violation?: Violation;
  history: History;
  final: FinalState;
  /** Virtual ms without any active node while clients ran. */
  downtimeMs: number;
  ops: { ok: number; failed: number };
  /** Acknowledged writes missing from the final state. */
  lostWrites: number;
  endTime: number;
}

/** How a drill runs: in virtual time in-process (default), or in real time over HTTP on the level backend. */
export interface DrillMode {
  realTime?: boolean;
}

/** Runs one drill to completion (virtual time: fast and reproducible; real time: real sockets, timers and disk). */
export async function runDrill(spec: DrillSpec, mode: DrillMode = {}): Promise<DrillResult> {
  const real = mode.realTime === true;
  const clock = real ? new RealClock() : new SimClock(Date.UTC(2026, 0, 1));
  const wait = (ms: number) => (clock instanceof SimClock ? clock.advance(ms) : clock.sleep(ms));
  const timings = LAB_TIMINGS;
  const dir = real ? mkdtempSync(join(tmpdir(), 'vaultlab-drill-')) : undefined;
  const cluster = await Cluster.start({ nodes: spec.nodes, storage: real ? 'level' : 'memory', dir, basePort: 0, listen: real, clock, timings, random: seeded(spec.seed ^ 0xfa17) });
  const transport = real ? new HttpTransport(cluster) : undefined;
  const history = new History();
  const backend = cluster.backend as unknown as LevelFamilyBackend;
  backend.setFencing(spec.fencing);
  const holderNode = (h: string) => h.split('-')[0];
  backend.onEvent((e: StorageEvent) => {
    if (e.type === 'write' && e.key.startsWith('logical/')) history.add({ t: clock.now(), kind: 'storageWrite', key: e.key, term: e.term });
    if (e.type === 'fenced') history.add({ t: clock.now(), kind: 'fenced', key: e.key, term: e.term });
    if (e.type === 'lock' && e.event === 'acquired') history.add({ t: clock.now(), kind: 'lock', holder: holderNode(e.holder), event: e.event, term: e.term });
  });
  for (const n of cluster.nodes) n.node.onEvent((e) => e.type === 'state' && history.add({ t: e.time, kind: 'state', node: n.name, from: e.from, to: e.to }));
  try {
    const init = await cluster.init(1, 1);
    const token = init.rootToken;
    await cluster.unsealAll(init.keys);
    while (!cluster.active()) await wait(10);
    await cluster.active()!.node.handle({ operation: 'update', path: 'secret/config', data: { max_versions: 10_000 }, token });
    const start = clock.now();
    const end = start + spec.durationMs;
    const rnd = seeded(spec.seed ^ 0x5eed);
    const heal: Array<() => Promise<void>> = [];
    for (const f of spec.faults) {
      clock.setTimeout(() => void applyFault(cluster, f, history, init.keys, heal), f.at);
    }
    let ok = 0;
    let failed = 0;
    const client = async (id: number) => {
      let n = 0;
      while (clock.now() < end) {
        const key = `k${between(rnd, 0, spec.keys - 1)}`;
        // In virtual time clients call active nodes directly; over HTTP any node will do (standbys forward).
        const actives = cluster.nodes.filter((x) => x.node.state === 'active');
        const target = !real && actives.length ? actives[between(rnd, 0, actives.length - 1)] : cluster.nodes[between(rnd, 0, cluster.nodes.length - 1)];
        const put = rnd() < 0.7;
        const value = `c${id}-${n++}`;
        const op = history.invoke({ t: clock.now(), client: id, node: target.name, type: put ? 'put' : 'get', key, value: put ? value : undefined });
        try {
          const req = put
            ? { operation: 'update' as const, path: `secret/data/${key}`, data: { data: { v: value } }, token }
            : { operation: 'read' as const, path: `secret/data/${key}`, data: {}, token };
          const call = transport ? transport.send(target.name, req) : target.node.handle(req);
          // A client gives up after a timeout: the outcome is then unknown (Knossos' info), and the request may still land.
          const r = await Promise.race([call, clock.sleep(CLIENT_TIMEOUT_MS).then(() => undefined)]);
          if (!r) {
            call.catch(() => undefined);
            history.complete({ t: clock.now(), kind: 'info', op, error: 'timeout' });
            failed++;
            continue;
          }
          const d = r.response?.data as { version?: number; data?: { v: string }; metadata?: { version: number } } | undefined;
          history.complete(put ? { t: clock.now(), kind: 'ok', op, version: d?.version } : { t: clock.now(), kind: 'ok', op, value: d?.data?.v ?? null, version: d?.metadata?.version ?? 0 });
          ok++;
        } catch (err) {
          history.complete({ t: clock.now(), kind: 'fail', op, error: (err as Error).message });
          failed++;
        }
        await clock.sleep(between(rnd, 5, 40));
      }
    };
    const clients = Array.from({ length: spec.clients }, (_, i) => client(i));
    if (clock instanceof SimClock) await clock.runUntil(end + 50);
    await drive(Promise.all(clients), wait); // slow storage can stretch the last requests past the end
    // Storage faults off first, then the per-fault healing, with virtual time moving so nothing waits forever.
    cluster.healAll();
    await drive(Promise.all(heal.splice(0).map((h) => h())), wait);
    await wait(3 * timings.lockTtlMs + timings.stepDownBackoffMs);
    await drive(cluster.unsealAll(init.keys), wait);
    await wait(3 * timings.lockTtlMs);
    const final = await readFinal(cluster, token, spec.keys);
    const endTime = clock.now();
    const violation = checkHistory(history.events, final, { lockTtlMs: timings.lockTtlMs, stepDownBackoffMs: timings.stepDownBackoffMs, endTime });
    return { spec, violation, history, final, downtimeMs: downtime(history, start, end), ops: { ok, failed }, lostWrites: lostWrites(history.events, final), endTime };
  } finally {
    await transport?.close();
    if (real) await cluster.close();
    else {
      for (const n of cluster.nodes) n.node.close();
      await cluster.backend.close();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits for `p` while moving time on in 10 ms steps (a no-op cost in real time), for at most a minute. */
async function drive<T>(p: Promise<T>, wait: (ms: number) => Promise<void>): Promise<T> {
  let settled = false;
  const watched = p.finally(() => (settled = true));
  for (let i = 0; i < 6000 && !settled; i++) await wait(10);
  return watched;
}

async function readFinal(cluster: Cluster, token: string, keys: number): Promise<FinalState> {
  const final: FinalState = new Map();
  const active = cluster.active();
  if (!active) throw new Error('no active node after healing: the cluster did not recover');
  for (let k = 0; k < keys; k++) {
    const versions = new Map<number, string | null>();
    const meta = await active.node.handle({ operation: 'read', path: `secret/metadata/k${k}`, data: {}, token });
    const vs = (meta.response?.data as { versions?: Record<string, unknown> } | undefined)?.versions ?? {};
    for (const v of Object.keys(vs)) {
      const r = await active.node.handle({ operation: 'read', path: `secret/data/k${k}`, data: { version: v }, token });
      const d = r.response?.data as { data?: { v: string } | null } | undefined;
      versions.set(Number(v), d?.data?.v ?? null);
    }
    final.set(`k${k}`, versions);
  }
  return final;
}

/** Virtual ms within [start, end] during which no node was active. */
function downtime(h: History, start: number, end: number): number {
  const state = new Map<string, string>();
  let down = 0;
  let since: number | undefined;
  for (const e of h.events) {
    if (e.kind !== 'state') continue;
    state.set(e.node, e.to);
    const up = [...state.values()].includes('active');
    if (!up && since === undefined) since = e.t;
    if (up && since !== undefined) {
      down += Math.max(0, Math.min(e.t, end) - Math.max(since, start));
      since = undefined;
    }
  }
  if (since !== undefined) down += Math.max(0, end - Math.max(since, start));
  return down;
}
