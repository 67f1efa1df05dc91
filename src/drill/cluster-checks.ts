/**
 * The checks on what the cluster did (docs/invariants.md: C1, C2, C3), read from storage's
 * own event stream and the nodes' state changes, never from what the nodes claim about
 * themselves: storage is where a split brain does its damage.
 */
import type { ClusterEvent, HistoryEvent } from './history.ts';

/** The checks the checker runs, in order. */
export type CheckId = 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'C6';

/** A broken property, with the events that show it. `unknown`: the search gave up, which fails as loudly. */
export interface Violation {
  check: CheckId;
  message: string;
  events: HistoryEvent[];
  unknown?: boolean;
}

type Lock = Extract<ClusterEvent, { kind: 'lock' }>;

/** C1: every acquisition takes a term above every earlier one (so no two nodes share a term). */
export function checkTerms(events: readonly HistoryEvent[]): Violation | undefined {
  let last: Lock | undefined;
  for (const e of events) {
    if (e.kind !== 'lock' || e.event !== 'acquired') continue;
    if (last && e.term <= last.term) {
      const how =
        e.term === last.term
          ? `term ${e.term} granted to both ${last.node} and ${e.node}`
          : `term ${e.term} granted after term ${last.term}`;
      return { check: 'C1', message: how, events: [last, e] };
    }
    last = e;
  }
  return undefined;
}

/**
 * C2: once storage granted term t (or accepted a write from it), it never accepts a write
 * from an older term; a write that names its node must come from the term's holder; and a
 * KV write without any term after a lock exists bypassed fencing altogether.
 */
export function checkSingleWriter(events: readonly HistoryEvent[]): Violation | undefined {
  const holder = new Map<number, Lock>();
  let newest: { term: number; e: HistoryEvent } | undefined;
  for (const e of events) {
    if (e.kind === 'lock' && e.event === 'acquired') {
      holder.set(e.term, e);
      if (!newest || e.term > newest.term) newest = { term: e.term, e };
      continue;
    }
    if (e.kind !== 'storageWrite') continue;
    if (e.term === undefined) {
      if (newest && e.key.startsWith('logical/'))
        return {
          check: 'C2',
          message: `storage accepted an unfenced write to ${e.key} while term ${newest.term} held the lock`,
          events: [newest.e, e],
        };
      continue;
    }
    if (newest && e.term < newest.term) {
      return {
        check: 'C2',
        message: `split brain: storage accepted a write to ${e.key} from term ${e.term} after term ${newest.term} was granted`,
        events: [holder.get(e.term) ?? e, newest.e, e],
      };
    }
    const h = holder.get(e.term);
    if (e.node && h && h.node !== e.node)
      return { check: 'C2', message: `${e.node} wrote to ${e.key} with term ${e.term}, which ${h.node} holds`, events: [h, e] };
    if (!newest || e.term > newest.term) newest = { term: e.term, e };
  }
  return undefined;
}

/**
 * C3: in one process every node reads the same clock, so two `active` intervals must
 * never intersect. A frozen node (the Jepsen pause) does nothing while frozen, so it does
 * not count until it wakes; on waking it must leave `active` before serving anything.
 */
export function checkOneActive(events: readonly HistoryEvent[]): Violation | undefined {
  const active = new Map<string, HistoryEvent>();
  const frozen = new Set<string>();
  for (const e of events) {
    if (e.kind === 'fault' && e.name === 'pause') {
      if (e.on) frozen.add(e.target);
      else frozen.delete(e.target);
    }
    if (e.kind === 'state') {
      if (e.to === 'active') active.set(e.node, e);
      else active.delete(e.node);
    }
    const live = [...active.keys()].filter((n) => !frozen.has(n));
    if (live.length > 1)
      return { check: 'C3', message: `two actives at once: ${live.join(' and ')}`, events: live.map((n) => active.get(n)!) };
  }
  return undefined;
}
