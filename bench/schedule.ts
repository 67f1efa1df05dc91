/**
 * The order of one repetition's measurements. The case order is rotated each repetition, and
 * the storages are interleaved inside each case (memory then level, level then memory the next
 * repetition: A B, B A), and the API TLS modes inside each storage the same way, so the two sides
 * of every level ÷ memory ratio and of every TLS on ÷ off ratio are measured seconds apart and
 * every ratio inside a storage and mode within the same repetition, minutes apart at most.
 */
import { appliesTo, type ApiTls, type BenchCase } from './cases.ts';

/** One measurement to take: a case on a storage, with the API over TLS or not, at a connection count. */
export interface Slot {
  storage: 'memory' | 'level';
  apiTls: ApiTls;
  case: BenchCase;
  connections: number;
}

/** `xs` rotated left by `by` places. */
function rotated<T>(xs: readonly T[], by: number): T[] {
  const k = xs.length ? by % xs.length : 0;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

/** The connection counts a case is measured at, among those the run allows (all of the case's when none are given). */
export function connectionsOf(c: BenchCase, allowed?: readonly number[]): number[] {
  return c.connections.filter((n) => !allowed || allowed.includes(n));
}

/** Repetition `rep`'s measurements, in order. */
export function repetition(
  cases: readonly BenchCase[],
  storages: ReadonlyArray<'memory' | 'level'>,
  rep: number,
  allowed?: readonly number[],
  modes: readonly ApiTls[] = ['off'],
): Slot[] {
  const run = cases.filter((c) => storages.some((st) => appliesTo(c, st)));
  return rotated(run, rep).flatMap((c) =>
    connectionsOf(c, allowed).flatMap((connections) =>
      rotated(storages, rep)
        .filter((storage) => appliesTo(c, storage))
        .flatMap((storage) => rotated(modes, rep).map((apiTls) => ({ storage, apiTls, case: c, connections }))),
    ),
  );
}
