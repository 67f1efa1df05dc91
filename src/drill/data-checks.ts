/**
 * The checks on what clients saw (docs/invariants.md: C4 and C5). Every put writes a value
 * no other put writes, so a read names its writer. C4: an acknowledged write is still in
 * the final state unless a write that may come after it replaced it (KV v2 versions make
 * this exact too: the version a put was given must still hold its value). C5: per key,
 * the reads and writes are linearizable as a register; a violation comes back cut down
 * to the fewest operations that still show it.
 */
import type { Violation } from './cluster-checks.ts';
import { operations, type HistoryEvent, type Operation } from './history.ts';
import { checkRegister, SEARCH_BUDGET, type RegisterOp } from './linearizability.ts';

/** What one key holds at the end: its current value and every version still kept. */
export interface FinalKey {
  current: string | null;
  versions: Map<number, string | null>;
}

/** The end state, by key. */
export type FinalState = Map<string, FinalKey>;

const EMPTY: FinalKey = { current: null, versions: new Map() };

function opEvents(ops: readonly Operation[]): HistoryEvent[] {
  return ops.flatMap((o) => [o.invoke, ...(o.done ? [o.done] : [])]);
}

/** Acknowledged puts missing from the final state, each with the reason. */
export function findLostWrites(
  events: readonly HistoryEvent[],
  final: FinalState,
): Array<{ op: Operation; why: string; evidence: Operation[] }> {
  const lost: Array<{ op: Operation; why: string; evidence: Operation[] }> = [];
  const puts = operations(events).filter((o) => o.invoke.type === 'put');
  for (const key of new Set(puts.map((p) => p.invoke.key))) {
    const mine = puts.filter((p) => p.invoke.key === key);
    const end = final.get(key) ?? EMPTY;
    const top = Math.max(0, ...end.versions.keys());
    const writer = mine.find((p) => p.invoke.value === end.current);
    for (const p of mine) {
      if (p.done?.kind !== 'ok') continue;
      const v = p.done.version;
      if (v !== undefined && end.versions.has(v) && end.versions.get(v) !== p.invoke.value) {
        lost.push({
          op: p,
          why: `${key} version ${v} was acknowledged as ${p.invoke.value} but holds ${end.versions.get(v)}`,
          evidence: [],
        });
      } else if (v !== undefined && v > top) {
        lost.push({ op: p, why: `${key} version ${v} was acknowledged but the key ends at version ${top}`, evidence: [] });
      } else if (end.current === null) {
        lost.push({ op: p, why: `${key} ends empty although ${p.invoke.value} was acknowledged`, evidence: [] });
      } else if (!writer || writer.done?.kind === 'fail') {
        lost.push({
          op: p,
          why: `${key} ends as ${end.current}, which no write that may have happened wrote`,
          evidence: writer ? [writer] : [],
        });
      } else if (writer !== p && writer.done?.kind === 'ok' && writer.doneAt! < p.at) {
        lost.push({
          op: p,
          why: `${key} ends as ${end.current}, written before ${p.invoke.value} was even sent, so ${p.invoke.value} was lost`,
          evidence: [writer],
        });
      }
    }
  }
  return lost;
}

/** C4: every acknowledged write survives unless replaced by one that may follow it. */
export function checkDurability(events: readonly HistoryEvent[], final: FinalState): Violation | undefined {
  const first = findLostWrites(events, final)[0];
  if (!first) return undefined;
  return { check: 'C4', message: `lost write: ${first.why}`, events: opEvents([...first.evidence, first.op]) };
}

/** The register operations of one key: failed ops did not happen; unknown puts matter only if read. */
function registerOps(ops: readonly Operation[]): RegisterOp[] {
  const read = new Set(ops.filter((o) => o.invoke.type === 'get' && o.done?.kind === 'ok').map((o) => o.done!.value ?? null));
  const out: RegisterOp[] = [];
  for (const o of ops) {
    const { type, value } = o.invoke;
    const kind = o.done?.kind ?? 'info';
    if (type === 'get' && kind === 'ok')
      out.push({ id: o.invoke.op, call: o.at, ret: o.doneAt!, kind: 'read', value: o.done!.value ?? null });
    if (type === 'put' && kind === 'ok') out.push({ id: o.invoke.op, call: o.at, ret: o.doneAt!, kind: 'write', value: value ?? null });
    if (type === 'put' && kind === 'info' && read.has(value ?? null))
      out.push({ id: o.invoke.op, call: o.at, ret: Infinity, kind: 'write', value: value ?? null });
  }
  return out;
}

/**
 * Removes operations while the rest still fails: halves first, then one by one. A write
 * stays while a remaining read returns its value, so the witness keeps its story (a stale
 * read stays stale instead of turning into a read of a value nobody wrote).
 */
function shrinkOps(ops: RegisterOp[], budget: number): RegisterOp[] {
  const everWritten = new Set(ops.filter((o) => o.kind === 'write').map((o) => o.value));
  const closed = (xs: RegisterOp[]) => {
    const written = new Set(xs.filter((x) => x.kind === 'write').map((x) => x.value));
    return xs.every((x) => x.kind === 'write' || x.value === null || written.has(x.value) || !everWritten.has(x.value));
  };
  const fails = (xs: RegisterOp[]) => closed(xs) && checkRegister(xs, budget).result === 'violation';
  let cur = ops;
  for (let chunk = Math.ceil(cur.length / 2); chunk >= 1; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
    for (let i = 0; i < cur.length;) {
      const next = [...cur.slice(0, i), ...cur.slice(i + chunk)];
      if (next.length && fails(next)) cur = next;
      else i += chunk;
    }
  }
  return cur;
}

/** The operations invoked before the first point at which the history stops being linearizable. */
function shortestFailingPrefix(ops: RegisterOp[], budget: number): RegisterOp[] {
  const sorted = [...ops].sort((a, b) => a.call - b.call);
  let lo = 1;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (checkRegister(sorted.slice(0, mid), budget).result === 'violation') hi = mid;
    else lo = mid + 1;
  }
  return sorted.slice(0, hi);
}

/** C5: per key, reads and writes linearize as a register; `unknown` after the budget is a failure too. */
export function checkLinearizable(events: readonly HistoryEvent[], budget = SEARCH_BUDGET): Violation | undefined {
  const all = operations(events);
  for (const key of [...new Set(all.map((o) => o.invoke.key))].sort()) {
    const ops = all.filter((o) => o.invoke.key === key);
    const reg = registerOps(ops);
    const verdict = checkRegister(reg, budget);
    if (verdict.result === 'ok') continue;
    if (verdict.result === 'unknown') {
      return {
        check: 'C5',
        unknown: true,
        message: `gave up on ${key} after ${verdict.steps} search steps (${reg.length} operations): linearizability unknown`,
        events: [],
      };
    }
    const witness = shrinkOps(shortestFailingPrefix(reg, budget), Math.min(budget, 100_000));
    const ids = new Set(witness.map((r) => r.id));
    // The last operation of the shortest failing prefix is the one that cannot be explained.
    const last = ops.find((o) => o.invoke.op === witness.reduce((a, b) => (b.call > a.call ? b : a)).id)!;
    const what = last.invoke.type === 'get' ? `a read returned ${last.done?.value ?? 'nothing'}` : `the write of ${last.invoke.value}`;
    return {
      check: 'C5',
      message: `not linearizable on ${key}: ${what}, and no order of the ${witness.length} operations shown explains it`,
      events: opEvents(ops.filter((o) => ids.has(o.invoke.op))),
    };
  }
  return undefined;
}
