/**
 * A process drill's history, and its checks. The clients' operations are recorded by the
 * drill as they happen; what the nodes did comes afterwards from each node's event log
 * (node-event-log.ts), merged in by time: one machine, one clock. The cluster checks read
 * storage's own order instead: etcd's revisions order every acquisition (its term is its
 * revision) and every accepted write across processes exactly, where wall-clock times of
 * two processes could tie. C3 (never two actives at once) holds strictly only in one process:
 * here a SIGSTOPped active still believes it is active, so the overlap is measured, and
 * reported, not judged (docs/invariants.md): C2 is what proves storage accepted one writer.
 */
import { readNodeEventLog, type NodeLogEvent } from '../../lab/index.ts';
import { checkSingleWriter, checkTerms, type Violation } from '../cluster-checks.ts';
import { checkDurability, checkLinearizable, type FinalState } from '../data-checks.ts';
import type { ClusterEvent, History, HistoryEvent } from '../history.ts';

/** A cluster event with the etcd revision that orders it in storage (acquisitions: their term). */
type Ordered = { event: ClusterEvent; revision?: number };

function toCluster(e: NodeLogEvent): Ordered | undefined {
  switch (e.kind) {
    case 'state':
      return { event: { t: e.t, kind: 'state', node: e.node, from: e.from, to: e.to } };
    case 'lock':
      // A renewal changes nobody's state: the in-process history has none either.
      if (e.event === 'renewed') return undefined;
      return {
        event: { t: e.t, kind: 'lock', node: e.node, event: e.event, term: e.term },
        revision: e.event === 'acquired' ? e.term : undefined,
      };
    case 'storageWrite':
      return { event: { t: e.t, kind: 'storageWrite', key: e.key, term: e.term, node: e.node }, revision: e.revision };
    case 'fenced':
      return { event: { t: e.t, kind: 'fenced', key: e.key, term: e.term, node: e.node } };
  }
}

/** The nodes' events from their logs, from `since` (ms) on. */
export function nodeEvents(logs: readonly string[], since: number): Ordered[] {
  return logs
    .flatMap((file) => readNodeEventLog(file))
    .filter((e) => e.t >= since)
    .map(toCluster)
    .filter((o): o is Ordered => o !== undefined);
}

/** Merges the nodes' events into the history by time (stable: at equal times the client's entry first). */
export function mergeInto(history: History, events: readonly Ordered[]): void {
  const merged = [
    ...history.events.map((e, i) => ({ e, i, t: e.t })),
    ...events.map((o, j) => ({ e: o.event, i: history.events.length + j, t: o.event.t })),
  ];
  merged.sort((a, b) => a.t - b.t || a.i - b.i);
  history.events.splice(0, history.events.length, ...merged.map((m) => m.e));
}

/** Storage's own stream: acquisitions and accepted writes in etcd revision order. */
export function storageOrder(events: readonly Ordered[]): HistoryEvent[] {
  return events
    .filter((o) => o.revision !== undefined)
    .sort((a, b) => a.revision! - b.revision!)
    .map((o) => o.event);
}

/**
 * Milliseconds during which two or more running nodes said they were active: a SIGSTOPped one
 * does nothing while stopped, so it counts from when it wakes until it notices it lost the lock,
 * and a SIGKILLed one is gone.
 */
export function activeOverlapMs(events: readonly HistoryEvent[]): number {
  const active = new Set<string>();
  const frozen = new Set<string>();
  let since: number | undefined;
  let total = 0;
  for (const e of events) {
    if (e.kind === 'fault' && e.name === 'pause') {
      if (e.on) frozen.add(e.target);
      else frozen.delete(e.target);
    } else if (e.kind === 'fault' && e.on && (e.name === 'kill' || e.name === 'crash-restart')) {
      // A SIGKILLed process logs no last state change: it is simply gone.
      active.delete(e.target);
    } else if (e.kind === 'state') {
      if (e.to === 'active') active.add(e.node);
      else active.delete(e.node);
    } else continue;
    const live = [...active].filter((n) => !frozen.has(n)).length;
    if (live > 1 && since === undefined) since = e.t;
    if (live <= 1 && since !== undefined) {
      total += e.t - since;
      since = undefined;
    }
  }
  return total;
}

/** C1 and C2 on storage's order, then C4 and C5 on what the clients saw; the first broken one. */
export function checkProcessHistory(
  history: History,
  storage: readonly HistoryEvent[],
  final: FinalState | undefined,
): Violation | undefined {
  return (
    checkTerms(storage) ??
    checkSingleWriter(storage) ??
    (final ? checkDurability(history.events, final) : undefined) ??
    checkLinearizable(history.events)
  );
}
