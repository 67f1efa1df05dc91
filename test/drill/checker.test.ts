/** T15: the checker flags every hand-written bad history and passes the good ones (a checker that cannot fail proves nothing). */
import { describe, expect, it } from 'vitest';
import { checkHistory, type FinalState } from '../../src/drill/checker.ts';
import type { HistoryEvent } from '../../src/drill/history.ts';

const opts = { lockTtlMs: 1000, stepDownBackoffMs: 2000, endTime: 10_000 };
const state = (t: number, node: string, from: string, to: string): HistoryEvent => ({ t, kind: 'state', node, from, to });
const lock = (t: number, holder: string, term: number): HistoryEvent => ({ t, kind: 'lock', holder, event: 'acquired', term });
const put = (t: number, op: number, key: string, value: string): HistoryEvent => ({ t, kind: 'invoke', op, client: 0, node: 'node1', type: 'put', key, value });
const get = (t: number, op: number, key: string): HistoryEvent => ({ t, kind: 'invoke', op, client: 1, node: 'node1', type: 'get', key });
const ok = (t: number, op: number, extra: { version?: number; value?: string | null } = {}): HistoryEvent => ({ t, kind: 'ok', op, ...extra });
const final = (entries: Record<string, Record<number, string | null>>): FinalState =>
  new Map(Object.entries(entries).map(([k, vs]) => [k, new Map(Object.entries(vs).map(([v, x]) => [Number(v), x]))]));

const startup = [state(0, 'node1', 'sealed', 'standby'), state(0, 'node2', 'sealed', 'standby'), lock(0, 'node1', 1), state(0, 'node1', 'standby', 'active')];

describe('known-bad histories are flagged', () => {
  it.each<[string, HistoryEvent[], FinalState, string]>([
    ['a term that goes back', [...startup, lock(50, 'node2', 1)], final({}), 'C1'],
    ['a write accepted from an old term (split brain)', [...startup, lock(100, 'node2', 2), { t: 120, kind: 'storageWrite', key: 'logical/x', term: 1 }], final({}), 'C2'],
    ['two actives at once', [...startup, state(100, 'node2', 'standby', 'active')], final({}), 'C3'],
    ['a lost acknowledged write', [...startup, put(10, 1, 'k', 'a'), ok(11, 1, { version: 1 })], final({ k: { 1: 'b' } }), 'C4'],
    ['a stale read after an acknowledged write', [...startup, put(10, 1, 'k', 'a'), ok(11, 1, { version: 2 }), get(12, 2, 'k'), ok(13, 2, { version: 1, value: 'old' })], final({ k: { 2: 'a' } }), 'C5'],
    ['a read of a never-written value', [...startup, get(12, 2, 'k'), ok(13, 2, { version: 1, value: 'ghost' })], final({}), 'C5'],
    ['no active for longer than 2 × TTL', [...startup, state(100, 'node1', 'active', 'sealed'), state(3000, 'node2', 'standby', 'active')], final({}), 'C6'],
  ])('%s → %s', (_name, events, fin, check) => {
    expect(checkHistory(events, fin, opts)?.check).toBe(check);
  });
});

describe('known-good histories pass', () => {
  it.each<[string, HistoryEvent[], FinalState]>([
    ['a clean failover inside 2 × TTL', [...startup, state(100, 'node1', 'active', 'sealed'), lock(1500, 'node2', 2), state(1500, 'node2', 'standby', 'active'), { t: 1600, kind: 'storageWrite', key: 'logical/x', term: 2 }], final({})],
    ['a write whose answer was lost (info) that did land', [...startup, put(10, 1, 'k', 'a'), { t: 600, kind: 'info', op: 1 }, get(700, 2, 'k'), ok(701, 2, { version: 1, value: 'a' })], final({ k: { 1: 'a' } })],
    ['a write whose answer was lost (info) that did not land', [...startup, put(10, 1, 'k', 'a'), { t: 600, kind: 'info', op: 1 }, get(700, 2, 'k'), ok(701, 2, { version: 0, value: null })], final({})],
    ['a read concurrent with a write sees either value', [...startup, put(10, 1, 'k', 'a'), get(10, 2, 'k'), ok(11, 2, { version: 0, value: null }), ok(12, 1, { version: 1 })], final({ k: { 1: 'a' } })],
    ['a frozen active overlapping its successor', [...startup, { t: 50, kind: 'fault', name: 'pause', target: 'node1', on: true }, lock(1100, 'node2', 2), state(1100, 'node2', 'standby', 'active'), state(2000, 'node1', 'active', 'standby'), { t: 2000, kind: 'fault', name: 'pause', target: 'node1', on: false }], final({})],
    ['a trimmed version is not a loss', [...startup, put(10, 1, 'k', 'a'), ok(11, 1, { version: 1 })], final({ k: { 5: 'z' } })],
  ])('%s', (_name, events, fin) => {
    expect(checkHistory(events, fin, opts)).toBeUndefined();
  });
});
