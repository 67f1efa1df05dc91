/**
 * A linearizability check for one register (docs/invariants.md, C5): the Wing–Gong search with
 * Lowe's just-in-time linearization and a cache of (linearized set, state) pairs, as
 * Porcupine does it (Porcupine has no JavaScript port, so this is a small TypeScript
 * one). Operations that may or may not have happened (Knossos' `info`) return at +∞, so
 * the search may place them anywhere after their call, or last, where they change nothing.
 * The search is exponential in the worst case: it gives up with `unknown` after a budget
 * of steps, and the caller must treat that as a failure, never as a pass.
 */

/** One operation on the register. */
export interface RegisterOp {
  id: number;
  /** Position of the invocation (real order). */
  call: number;
  /** Position of the completion; Infinity when the outcome is unknown. */
  ret: number;
  kind: 'write' | 'read';
  /** The value written, or the value the read returned (null: empty). */
  value: string | null;
}

/** The verdict: linearizable, not (with the operation at which the search ran dry), or unknown. */
export type RegisterVerdict =
  { result: 'ok'; steps: number } | { result: 'violation'; op: RegisterOp; steps: number } | { result: 'unknown'; steps: number };

/** The default search budget: 10⁶ steps, then the verdict is `unknown` (docs/invariants.md, C5). */
export const SEARCH_BUDGET = 1_000_000;

interface Entry {
  op: RegisterOp;
  isCall: boolean;
  match?: Entry;
  prev?: Entry;
  next?: Entry;
}

function buildList(ops: readonly RegisterOp[]): Entry {
  const points: Array<{ at: number; e: Entry }> = [];
  for (const op of ops) {
    const call: Entry = { op, isCall: true };
    const ret: Entry = { op, isCall: false };
    call.match = ret;
    points.push({ at: op.call, e: call }, { at: op.ret, e: ret });
  }
  // Calls before returns at equal positions (only ∞ ties, and those never constrain anything).
  points.sort((a, b) => a.at - b.at || Number(b.e.isCall) - Number(a.e.isCall) || a.e.op.id - b.e.op.id);
  const head: Entry = { op: { id: -1, call: -1, ret: -1, kind: 'read', value: null }, isCall: false };
  let last = head;
  for (const { e } of points) {
    last.next = e;
    e.prev = last;
    last = e;
  }
  return head;
}

function lift(call: Entry): void {
  call.prev!.next = call.next;
  if (call.next) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

function unlift(call: Entry): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev!.next = call;
  if (call.next) call.next.prev = call;
}

/** A bitset of linearized operation indexes, keyed compactly for the cache. */
class Bits {
  private readonly words: Uint32Array;
  constructor(n: number) {
    this.words = new Uint32Array(Math.ceil(n / 32) || 1);
  }
  set(i: number, on: boolean): void {
    if (on) this.words[i >>> 5] |= 1 << (i & 31);
    else this.words[i >>> 5] &= ~(1 << (i & 31));
  }
  key(): string {
    return Array.from(this.words, (w) => w.toString(36)).join(',');
  }
}

/** Checks that `ops` on one register, starting empty, are linearizable. */
export function checkRegister(ops: readonly RegisterOp[], budget = SEARCH_BUDGET): RegisterVerdict {
  const index = new Map(ops.map((o, i) => [o.id, i]));
  const head = buildList(ops);
  const bits = new Bits(ops.length);
  const seen = new Map<string, Set<string | null>>();
  const stack: Array<{ entry: Entry; state: string | null }> = [];
  let state: string | null = null;
  let entry = head.next;
  let steps = 0;
  while (head.next) {
    if (++steps > budget) return { result: 'unknown', steps };
    if (!entry) return { result: 'unknown', steps }; // cannot happen with well-formed input; never claim a pass
    if (entry.isCall) {
      const op = entry.op;
      if (op.kind === 'write' || op.value === state) {
        const next: string | null = op.kind === 'write' ? op.value : state;
        const i = index.get(op.id)!;
        bits.set(i, true);
        const key = bits.key();
        const states = seen.get(key) ?? new Set<string | null>();
        if (!states.has(next)) {
          states.add(next);
          seen.set(key, states);
          stack.push({ entry, state });
          state = next;
          lift(entry);
          entry = head.next;
          continue;
        }
        bits.set(i, false);
      }
      entry = entry.next;
    } else {
      // An operation returned before anything let it take effect: undo the last choice.
      const top = stack.pop();
      if (!top) return { result: 'violation', op: entry.op, steps };
      state = top.state;
      bits.set(index.get(top.entry.op.id)!, false);
      unlift(top.entry);
      entry = top.entry.next;
    }
  }
  return { result: 'ok', steps };
}
