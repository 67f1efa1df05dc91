/**
 * C6, liveness in virtual time (docs/invariants.md): whenever the cluster has no
 * live active but some node could take over, a new active must appear within 2 × TTL;
 * and leadership must not change hands when nothing provoked it (flapping, vault#18582).
 * A node that could take over is a standby that is not frozen, not cut off from storage
 * and not waiting out a step-down back-off. While storage as a whole is slow or failing
 * the clock stops: Vault promises nothing there, and it restarts when storage heals.
 */
import type { Violation } from './cluster-checks.ts';
import type { HistoryEvent } from './history.ts';

/** What the liveness check needs to know about the protocol's timings. */
export interface LivenessOptions {
  lockTtlMs: number;
  stepDownBackoffMs: number;
  /** When the history ends (an open gap is judged against this). */
  endTime: number;
}

/** Faults that make all of storage slow or unreliable. */
const STORAGE_WIDE = new Set(['slow-storage', 'storage-errors']);

interface World {
  state: Map<string, string>;
  paused: Set<string>;
  cutOff: Set<string>;
  backoffUntil: Map<string, number>;
  storageFaults: Set<string>;
}

function apply(w: World, e: HistoryEvent, backoffMs: number): void {
  if (e.kind === 'state') w.state.set(e.node, e.to);
  if (e.kind !== 'fault') return;
  const set = e.name === 'pause' ? w.paused : e.name === 'partition-storage' ? w.cutOff : STORAGE_WIDE.has(e.name) ? w.storageFaults : undefined;
  if (set) {
    if (e.on) set.add(e.target);
    else set.delete(e.target);
  }
  if (e.name === 'step-down' && e.on) w.backoffUntil.set(e.target, e.t + backoffMs);
}

/** Is the cluster waiting for an active it could have? (undefined: there is a live active) */
function waiting(w: World, t: number): boolean | undefined {
  const nodes = [...w.state.keys()];
  if (nodes.some((n) => w.state.get(n) === 'active' && !w.paused.has(n))) return undefined;
  if (w.storageFaults.size) return false;
  return nodes.some((n) => w.state.get(n) === 'standby' && !w.paused.has(n) && !w.cutOff.has(n) && (w.backoffUntil.get(n) ?? 0) <= t);
}

/** C6: a new active within 2 × TTL whenever one is possible; no leadership change without a fault. */
export function checkLiveness(events: readonly HistoryEvent[], o: LivenessOptions): Violation | undefined {
  const allowance = 2 * o.lockTtlMs;
  const quiet = 2 * o.lockTtlMs + o.stepDownBackoffMs;
  const w: World = { state: new Map(), paused: new Set(), cutOff: new Set(), backoffUntil: new Map(), storageFaults: new Set() };
  let gap: { from: number; e: HistoryEvent } | undefined;
  let lastFaultAt = -Infinity;
  const faultsOn = new Set<string>();
  let acquisitions = 0;
  let prevT = -Infinity;
  const backoffsEnding = (to: number) => [...w.backoffUntil.values()].filter((u) => u > prevT && u <= to).sort((a, b) => a - b);
  const judge = (t: number, e: HistoryEvent | undefined): Violation | undefined => {
    const wait = waiting(w, t);
    if (wait === true && !gap) gap = { from: t, e: e ?? { t, kind: 'fault', name: 'back-off over', target: 'cluster', on: false } };
    if (wait === true || !gap) return undefined;
    const open = gap;
    gap = undefined;
    if (wait === undefined && t - open.from > allowance) {
      return { check: 'C6', message: `no active for ${t - open.from} ms while a standby could take over (allowed ${allowance} ms)`, events: [open.e, ...(e ? [e] : [])] };
    }
    return undefined;
  };
  for (const e of events) {
    // A back-off that ends between two events makes a node a candidate at that instant.
    for (const until of backoffsEnding(e.t)) {
      const v = judge(until, undefined);
      if (v) return v;
    }
    prevT = e.t;
    if (e.kind === 'fault') {
      lastFaultAt = e.t;
      const id = `${e.name}:${e.target}`;
      if (e.on) faultsOn.add(id);
      else faultsOn.delete(id);
    }
    if (e.kind === 'lock' && e.event === 'acquired' && acquisitions++ > 0 && !faultsOn.size && e.t - lastFaultAt > quiet) {
      return { check: 'C6', message: `leadership moved to ${e.node} (term ${e.term}) with no fault in the last ${quiet} ms (flapping)`, events: [e] };
    }
    apply(w, e, o.stepDownBackoffMs);
    const v = judge(e.t, e);
    if (v) return v;
  }
  for (const until of backoffsEnding(o.endTime)) judge(until, undefined);
  if (gap && waiting(w, o.endTime) === true && o.endTime - gap.from > allowance) {
    return { check: 'C6', message: `no active for ${o.endTime - gap.from} ms up to the end while a standby could take over (allowed ${allowance} ms)`, events: [gap.e] };
  }
  return undefined;
}
