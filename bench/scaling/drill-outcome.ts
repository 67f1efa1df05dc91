/**
 * What one random drill decided, reduced to figures two runs of the same seed can be compared by:
 * the verdict, the operation tallies, lost and fenced writes, and a digest of the whole history.
 * Equal outcomes before and after a change to the drill machinery prove the change kept what a
 * drill does and checks, not only that it still passes.
 */
import { createHash } from 'node:crypto';
import type { DrillResult } from '../../src/drill/index.ts';

/** One seed's outcome. */
export interface DrillOutcome {
  seed: number;
  /** The first broken check (C1–C6), or 'pass'. */
  verdict: string;
  ok: number;
  failed: number;
  unknown: number;
  lostWrites: number;
  fencedWrites: number;
  events: number;
  /** sha256 of the history as JSON lines with its random ids masked (see stableHistory), first 16 hex digits. */
  historyDigest: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const HOLDER = /\b(node\d+)-[0-9a-f]{8}\b/g;

/**
 * The history as JSON lines with the ids a node draws from crypto randomness masked: mount
 * UUIDs in storage keys and the lock holder's suffix. They differ on every run of the same
 * seed; everything else in a virtual-time history is decided by the seed.
 */
export function stableHistory(jsonLines: string): string {
  return jsonLines.replace(UUID, '<uuid>').replace(HOLDER, '$1-<holder>');
}

/** The outcome of one drill result. */
export function outcomeOf(r: DrillResult): DrillOutcome {
  return {
    seed: r.spec.seed,
    verdict: r.violation?.check ?? 'pass',
    ok: r.ops.ok,
    failed: r.ops.failed,
    unknown: r.ops.unknown,
    lostWrites: r.lostWrites,
    fencedWrites: r.fencedWrites,
    events: r.history.events.length,
    historyDigest: createHash('sha256').update(stableHistory(r.history.toJsonLines())).digest('hex').slice(0, 16),
  };
}

/** The seeds whose outcomes differ between two runs (a seed missing from either side counts as different), as readable lines. */
export function outcomeDifferences(before: readonly DrillOutcome[], after: readonly DrillOutcome[]): string[] {
  const afterBySeed = new Map(after.map((o) => [o.seed, o]));
  const lines: string[] = [];
  for (const b of before) {
    const a = afterBySeed.get(b.seed);
    afterBySeed.delete(b.seed);
    if (!a) lines.push(`seed ${b.seed}: missing after`);
    else if (JSON.stringify(a) !== JSON.stringify(b)) lines.push(`seed ${b.seed}: ${JSON.stringify(b)} → ${JSON.stringify(a)}`);
  }
  for (const seed of afterBySeed.keys()) lines.push(`seed ${seed}: missing before`);
  return lines;
}
