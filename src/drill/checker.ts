/**
 * The history checker (docs/invariants.md): the checks run in order and stop at the first
 * broken property, as etcd's robustness tests do, because a later check's verdict means
 * little once an earlier, more basic one failed.
 * C1 terms only grow · C2 one writer per term, from storage's own stream · C3 never two
 * actives at once (strict in one process) · C4 acknowledged writes survive · C5 reads
 * linearize per key (`unknown` after the search budget fails too) · C6 a new active within
 * 2 × TTL and no unprovoked leadership change (virtual time only: wall-clock bounds are
 * reported, never asserted).
 */
import { checkOneActive, checkSingleWriter, checkTerms, type Violation } from './cluster-checks.ts';
import { checkDurability, checkLinearizable, findLostWrites, type FinalState } from './data-checks.ts';
import type { HistoryEvent } from './history.ts';
import { checkLiveness } from './liveness-check.ts';

export type { CheckId, Violation } from './cluster-checks.ts';
export type { FinalKey, FinalState } from './data-checks.ts';

/** What the checks need beyond the history. */
export interface CheckOptions {
  lockTtlMs: number;
  stepDownBackoffMs: number;
  /** When the history ends. */
  endTime: number;
  /** Check C6 (false for wall-clock drills, where timing bounds are only reported). */
  liveness?: boolean;
  /** The C5 search budget per key. */
  searchBudget?: number;
}

/**
 * Runs C1–C6 in order; returns the first violation, or undefined when the history is good.
 * Without a final state (it could not be read) C4 is skipped.
 */
export function checkHistory(events: readonly HistoryEvent[], final: FinalState | undefined, o: CheckOptions): Violation | undefined {
  return (
    checkTerms(events) ??
    checkSingleWriter(events) ??
    checkOneActive(events) ??
    (final ? checkDurability(events, final) : undefined) ??
    checkLinearizable(events, o.searchBudget) ??
    (o.liveness === false ? undefined : checkLiveness(events, o))
  );
}

/** How many acknowledged writes the final state lost (counted whatever else went wrong). */
export function lostWrites(events: readonly HistoryEvent[], final: FinalState): number {
  return findLostWrites(events, final).length;
}
