/**
 * The history checker (reliability.md §6), run in order and stopping at the first broken
 * property, as etcd's robustness tests do:
 * C1 terms only grow; C2 storage never accepts a write from an older term after a newer
 * one (single writer); C3 no two nodes are active at once (strict in one process; a
 * frozen node does not count); C4 every acknowledged write is still there at the end
 * (KV v2 versions make this exact: the version a put was given must hold its value);
 * C5 reads are never older than a write acknowledged before they began, nor invented;
 * C6 after the active is lost, a new one within 2 × TTL while any standby could take over.
 */
import type { Complete, HistoryEvent, Invoke } from './history.ts';

/** A broken property, with the events that show it. */
export interface Violation {
  check: 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'C6';
  message: string;
  events: HistoryEvent[];
}

/** The end state: key → version → value (null when deleted or destroyed). */
export type FinalState = Map<string, Map<number, string | null>>;

/** What the liveness check needs to know. */
export interface CheckOptions {
  lockTtlMs: number;
  /** Gaps shorter than this after a step-down are fine (the stepped-down node may be the only candidate). */
  stepDownBackoffMs: number;
  endTime: number;
}

/** An operation with the positions of its events: in one process the history's order is real time (virtual clocks tie). */
type Op = { invoke: Invoke; at: number; done?: Complete; doneAt?: number };

function ops(events: HistoryEvent[]): Op[] {
  const byId = new Map<number, Op>();
  events.forEach((e, i) => {
    if (e.kind === 'invoke') byId.set(e.op, { invoke: e, at: i });
    else if (e.kind === 'ok' || e.kind === 'fail' || e.kind === 'info') {
      const o = byId.get(e.op);
      if (o) {
        o.done = e;
        o.doneAt = i;
      }
    }
  });
  return [...byId.values()];
}

function c1(events: HistoryEvent[]): Violation | undefined {
  let last = 0;
  for (const e of events) {
    if (e.kind !== 'lock' || e.event !== 'acquired') continue;
    if (e.term <= last) return { check: 'C1', message: `term ${e.term} acquired after term ${last}`, events: [e] };
    last = e.term;
  }
  return undefined;
}

function c2(events: HistoryEvent[]): Violation | undefined {
  let current: { term: number; e: HistoryEvent } | undefined;
  for (const e of events) {
    if ((e.kind === 'lock' && e.event === 'acquired') || (e.kind === 'storageWrite' && e.term !== undefined && e.term > (current?.term ?? 0))) {
      current = { term: (e as { term: number }).term, e };
      continue;
    }
    if (e.kind !== 'storageWrite' || e.term === undefined) continue;
    if (current && e.term < current.term) return { check: 'C2', message: `split brain: storage accepted a write to ${e.key} from term ${e.term} while term ${current.term} held the lock`, events: [current.e, e] };
  }
  return undefined;
}

function c3(events: HistoryEvent[]): Violation | undefined {
  const active = new Map<string, HistoryEvent>();
  const frozen = new Set<string>();
  for (const e of events) {
    if (e.kind === 'fault' && e.name === 'pause') (e.on ? frozen.add(e.target) : frozen.delete(e.target));
    if (e.kind === 'state') {
      if (e.to === 'active') active.set(e.node, e);
      else active.delete(e.node);
    }
    const live = [...active.keys()].filter((n) => !frozen.has(n));
    if (live.length > 1) return { check: 'C3', message: `two actives at once: ${live.join(' and ')}`, events: live.map((n) => active.get(n)!) };
  }
  return undefined;
}

function c4(all: Op[], final: FinalState): Violation | undefined {
  for (const o of all) {
    if (o.invoke.type !== 'put' || o.done?.kind !== 'ok' || o.done.version === undefined) continue;
    const versions = final.get(o.invoke.key);
    if (!versions || !versions.has(o.done.version)) continue; // trimmed by max_versions: not a loss
    const now = versions.get(o.done.version);
    if (now !== o.invoke.value) {
      return { check: 'C4', message: `lost write: ${o.invoke.key} version ${o.done.version} was acknowledged as ${o.invoke.value} but holds ${now}`, events: [o.invoke, o.done] };
    }
  }
  return undefined;
}

function c5(all: Op[]): Violation | undefined {
  const puts = all.filter((o) => o.invoke.type === 'put');
  for (const g of all) {
    if (g.invoke.type !== 'get' || g.done?.kind !== 'ok') continue;
    const acked = puts.filter((p) => p.invoke.key === g.invoke.key && p.done?.kind === 'ok' && p.doneAt! < g.at);
    const floor = Math.max(0, ...acked.map((p) => p.done!.version ?? 0));
    const seen = g.done.version ?? 0;
    if (seen < floor) return { check: 'C5', message: `stale read of ${g.invoke.key}: version ${seen} after version ${floor} was acknowledged`, events: [g.invoke, g.done] };
    if (g.done.value !== null && g.done.value !== undefined) {
      const writers = puts.filter((p) => p.invoke.key === g.invoke.key && p.invoke.value === g.done!.value && p.at < g.doneAt!);
      if (!writers.length) return { check: 'C5', message: `read of ${g.invoke.key} returned ${g.done.value}, which nobody wrote`, events: [g.invoke, g.done] };
    }
  }
  return undefined;
}

const STORAGE_FAULTS = new Set(['partition-storage', 'slow-storage', 'storage-errors']);

function c6(events: HistoryEvent[], o: CheckOptions): Violation | undefined {
  const state = new Map<string, string>();
  let lostAt: number | undefined;
  let lostEvent: HistoryEvent | undefined;
  let allowance = 2 * o.lockTtlMs;
  const gapEnds = (t: number, e?: HistoryEvent) => {
    if (lostAt !== undefined && t - lostAt > allowance) {
      return { check: 'C6' as const, message: `no active for ${t - lostAt} ms (allowed ${allowance} ms)`, events: [lostEvent!, ...(e ? [e] : [])] };
    }
    return undefined;
  };
  // Liveness is only promised while storage works: gaps during storage faults do not count (reliability.md C6).
  const storageFaults = new Set<string>();
  for (const e of events) {
    if (e.kind === 'fault' && e.name === 'step-down') allowance = Math.max(allowance, 2 * o.lockTtlMs + o.stepDownBackoffMs);
    if (e.kind === 'fault' && STORAGE_FAULTS.has(e.name)) {
      if (e.on) storageFaults.add(`${e.name}:${e.target}`);
      else storageFaults.delete(`${e.name}:${e.target}`);
      const values = [...state.values()];
      const waiting = !values.includes('active') && values.includes('standby');
      // Suspend the clock while storage is faulty; restart it when the last storage fault ends.
      lostAt = !storageFaults.size && waiting ? e.t : undefined;
      lostEvent = e;
      allowance = 2 * o.lockTtlMs;
      continue;
    }
    if (e.kind !== 'state') continue;
    state.set(e.node, e.to);
    if (storageFaults.size) continue;
    const hasActive = [...state.values()].includes('active');
    const hasStandby = [...state.values()].includes('standby');
    if (hasActive && lostAt !== undefined) {
      const v = gapEnds(e.t, e);
      if (v) return v;
      lostAt = undefined;
    } else if (!hasActive && hasStandby && lostAt === undefined) {
      lostAt = e.t;
      lostEvent = e;
      allowance = 2 * o.lockTtlMs;
    } else if (!hasStandby && !hasActive) lostAt = undefined; // nobody could take over: not a liveness failure
  }
  return gapEnds(o.endTime);
}

/** Runs the checks in order; returns the first violation, or undefined when the history is good. */
export function checkHistory(events: HistoryEvent[], final: FinalState, o: CheckOptions): Violation | undefined {
  const all = ops(events);
  return c1(events) ?? c2(events) ?? c3(events) ?? c4(all, final) ?? c5(all) ?? c6(events, o);
}

/** Acknowledged puts whose version no longer holds their value (counted whatever else went wrong). */
export function lostWrites(events: HistoryEvent[], final: FinalState): number {
  let lost = 0;
  for (const o of ops(events)) {
    if (o.invoke.type !== 'put' || o.done?.kind !== 'ok' || o.done.version === undefined) continue;
    const versions = final.get(o.invoke.key);
    if (versions?.has(o.done.version) && versions.get(o.done.version) !== o.invoke.value) lost++;
  }
  return lost;
}
