/**
 * The key index of the in-memory backend: the set of keys, sorted only when a listing needs
 * them. The lab writes far more often than it lists (every KV write adds a version key), so a
 * write only notes the key it added or removed, and the next listing folds those notes into
 * the last sorted array (sort the few new keys, merge them in: linear in the keys, not n log n).
 * A sorted array, once handed out, is never changed: a cursor reads a snapshot, as a level
 * iterator does, whatever is written while it is open.
 */
import type { KeyCursor } from './abstract-backend.ts';
import type { KeyRange } from './key-rules.ts';

/**
 * Orders strings as their UTF-8 bytes (LevelDB's and Go's order), which is code point order.
 * UTF-16 code units agree with it except that a surrogate (0xD800-0xDFFF, half of a code
 * point above 0xFFFF) must sort after 0xE000-0xFFFF: only there are the two units remapped.
 */
export function compareUtf8(a: string, b: string): number {
  // The engine's own comparison (code units) is right unless both strings hold a unit from 0xD800 up.
  if (!HIGH_UNIT.test(a) || !HIGH_UNIT.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x < 0xd800 || y < 0xd800 ? x - y : utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}

const HIGH_UNIT = /[\uD800-\uFFFF]/;

/** A code unit at or above 0xD800 moved so that surrogates come after 0xE000-0xFFFF. */
function utf8Rank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** The first index of `sorted`, from `from`, whose key is at or after `target`. */
function lowerBound(sorted: readonly string[], target: string, from = 0): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareUtf8(sorted[mid], target) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Merges two sorted arrays into one, a key present in both once. */
function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = compareUtf8(a[i], b[j]);
    if (c <= 0) out.push(a[i++]);
    else out.push(b[j++]);
    if (c === 0) j++;
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

/** A sorted array without its adjacent repeats (a key added, removed and added again is noted twice). */
function dropRepeats(sorted: string[]): string[] {
  return sorted.filter((key, i) => i === 0 || key !== sorted[i - 1]);
}

/** The sorted key set, brought up to date lazily. */
export class SortedKeys {
  /** The keys as of the last listing, sorted; never changed in place (cursors read it). */
  private sorted: readonly string[] = [];
  /** Keys added since then (some may be gone again, or added twice). */
  private added: string[] = [];
  /** Whether any key was removed since then. */
  private removed = false;

  /** `has` answers whether a key is live now; a key is noted only when it was not. */
  constructor(private readonly has: (key: string) => boolean) {}

  /** Notes a key that was not stored and now is. */
  noteAdded(key: string): void {
    this.added.push(key);
  }

  /** Notes a key that was stored and now is not. */
  noteRemoved(): void {
    this.removed = true;
  }

  /** A cursor over the live keys in range, in UTF-8 order, reading a snapshot. */
  cursor(range: KeyRange): KeyCursor {
    const keys = this.current();
    const start = range.gte === undefined ? 0 : lowerBound(keys, range.gte);
    const end = range.lt === undefined ? keys.length : lowerBound(keys, range.lt, start);
    let pos = start;
    return {
      nextv: async (size: number) => {
        const batch = keys.slice(pos, Math.min(end, pos + size));
        pos += batch.length;
        return batch;
      },
      seek: (target: string) => {
        pos = Math.min(end, lowerBound(keys, target, start));
      },
      close: async () => {},
    };
  }

  /** Every live key, sorted: the last sorted array with this round's removals and additions folded in. */
  private current(): readonly string[] {
    if (this.added.length === 0 && !this.removed) return this.sorted;
    // A key removed and added again is both still in `sorted` and in `added`: the merge keeps it once.
    const kept = this.removed ? this.sorted.filter(this.has) : this.sorted;
    const fresh = dropRepeats(this.added.filter(this.has).sort(compareUtf8));
    this.sorted = fresh.length === 0 ? kept : mergeSorted(kept, fresh);
    this.added = [];
    this.removed = false;
    return this.sorted;
  }
}
