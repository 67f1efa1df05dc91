/**
 * A drill as the dashboard replays it: the history's cluster events in the lab timeline's
 * vocabulary (the same `{time, node, type, detail}` a live lab streams), the lock's grants and
 * renewals with their leases, and the clients' outcomes in short buckets, so the page draws a
 * replay with the code that draws a live lab. Written into drill.json as `replay`; nothing in
 * it is secret (node names, terms, fault names and counts).
 */
import type { Timings } from '../ha/index.ts';
import { DRILL_SEAL } from './drill-runner.ts';
import { isComplete, type HistoryEvent } from './history.ts';

/** One event as the lab's timeline words it. */
interface ReplayEvent {
  time: number;
  node: string;
  type: string;
  detail: string;
}

/** A lock change as storage made it, with the lease it left. */
interface ReplayLock {
  time: number;
  event: 'acquired' | 'renewed' | 'released' | 'lost' | 'expired';
  holder: string;
  term: number;
  expires: number;
}

/** Client outcomes within one bucket (`time` is its start). */
interface ReplayRequests {
  time: number;
  ok: number;
  failed: number;
  unknown: number;
}

/** What drill.json's `replay` holds. */
export interface DrillReplay {
  nodes: string[];
  /** The first and last event's times, on the drill's clock. */
  start: number;
  end: number;
  /** When the clients' load began (faults come after). */
  load_start: number;
  timings: { lock_ttl_ms: number; renew_interval_ms: number; lock_delay_ms: number };
  /** The drill's seal (shares, threshold), for the unseal rings. */
  seal: { shares: number; threshold: number };
  events: ReplayEvent[];
  locks: ReplayLock[];
  requests: ReplayRequests[];
  bucket_ms: number;
}

/** The width of a request bucket: fine enough to show a sub-second failover window. */
export const REPLAY_BUCKET_MS = 100;

/** The timeline's words for one cluster event of the history (undefined for events it does not show). */
function timelineEvent(e: HistoryEvent): ReplayEvent | undefined {
  switch (e.kind) {
    case 'state':
      return { time: e.t, node: e.node, type: 'state', detail: `${e.from} → ${e.to}` };
    case 'lock':
      return e.event === 'renewed' ? undefined : { time: e.t, node: e.node, type: `lock-${e.event}`, detail: `term ${e.term}` };
    case 'fenced':
      return { time: e.t, node: e.node ?? 'storage', type: 'fenced', detail: `storage refused a write of term ${e.term}` };
    case 'fault':
      return { time: e.t, node: e.target, type: 'fault', detail: e.on ? e.name : `${e.name} ends` };
    default:
      return undefined;
  }
}

/** The replay of one drill's history. */
export function drillReplay(
  events: readonly HistoryEvent[],
  o: { nodes: string[]; timings: Timings; loadStart: number; endTime: number },
): DrillReplay {
  const t = o.timings;
  const start = events[0]?.t ?? o.loadStart;
  const out: ReplayEvent[] = [];
  const locks: ReplayLock[] = [];
  const buckets = new Map<number, ReplayRequests>();
  for (const e of events) {
    const shown = timelineEvent(e);
    if (shown) out.push(shown);
    if (e.kind === 'lock') locks.push({ time: e.t, event: e.event, holder: e.node, term: e.term, expires: e.t + t.lockTtlMs });
    if (isComplete(e)) {
      const at = start + Math.floor((e.t - start) / REPLAY_BUCKET_MS) * REPLAY_BUCKET_MS;
      const b = buckets.get(at) ?? { time: at, ok: 0, failed: 0, unknown: 0 };
      if (e.kind === 'ok') b.ok++;
      else if (e.kind === 'fail') b.failed++;
      else b.unknown++;
      buckets.set(at, b);
    }
  }
  return {
    nodes: o.nodes,
    start,
    end: Math.max(o.endTime, events.at(-1)?.t ?? start),
    load_start: o.loadStart,
    timings: { lock_ttl_ms: t.lockTtlMs, renew_interval_ms: t.renewIntervalMs, lock_delay_ms: t.lockDelayMs ?? 0 },
    seal: { ...DRILL_SEAL },
    events: out,
    locks,
    requests: [...buckets.values()].sort((a, b) => a.time - b.time),
    bucket_ms: REPLAY_BUCKET_MS,
  };
}
