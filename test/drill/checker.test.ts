/**
 * T15: the checker flags every hand-written bad history with the right check, and passes
 * the good ones, including histories whose indeterminate (`info`) writes did or did not
 * take effect. A checker that cannot fail proves nothing.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory, lostWrites, type CheckId, type FinalState } from '../../src/drill/checker.ts';
import type { HistoryEvent } from '../../src/drill/history.ts';

const opts = { lockTtlMs: 1000, stepDownBackoffMs: 2000, endTime: 10_000 };
const state = (t: number, node: string, from: string, to: string): HistoryEvent => ({ t, kind: 'state', node, from, to });
const lock = (t: number, node: string, term: number): HistoryEvent => ({ t, kind: 'lock', node, event: 'acquired', term });
const write = (t: number, term: number | undefined, node?: string): HistoryEvent => ({
  t,
  kind: 'storageWrite',
  key: 'logical/m/k',
  term,
  node,
});
const fault = (t: number, name: string, target: string, on: boolean): HistoryEvent => ({ t, kind: 'fault', name, target, on });
const put = (t: number, op: number, key: string, value: string, node = 'node1'): HistoryEvent => ({
  t,
  kind: 'invoke',
  op,
  client: op % 3,
  node,
  term: 1,
  type: 'put',
  key,
  value,
});
const get = (t: number, op: number, key: string, node = 'node1'): HistoryEvent => ({
  t,
  kind: 'invoke',
  op,
  client: op % 3,
  node,
  term: 1,
  type: 'get',
  key,
});
const ok = (t: number, op: number, extra: { version?: number; value?: string | null } = {}): HistoryEvent => ({
  t,
  kind: 'ok',
  op,
  ...extra,
});
const info = (t: number, op: number): HistoryEvent => ({ t, kind: 'info', op, error: 'timeout' });
const fail = (t: number, op: number): HistoryEvent => ({ t, kind: 'fail', op, status: 'SEALED' });
/** The final state: per key, its versions (the highest one is current). */
const final = (entries: Record<string, Record<number, string | null>> = {}): FinalState =>
  new Map(
    Object.entries(entries).map(([k, vs]) => {
      const versions = new Map(Object.entries(vs).map(([v, x]) => [Number(v), x] as [number, string | null]));
      return [k, { current: versions.get(Math.max(...versions.keys())) ?? null, versions }];
    }),
  );

const startup = [
  state(0, 'node1', 'sealed', 'standby'),
  state(0, 'node2', 'sealed', 'standby'),
  lock(0, 'node1', 1),
  state(0, 'node1', 'standby', 'active'),
];
/** node1 is killed at t=100 and node2 takes over at t=1500 with term 2. */
const failover = [
  ...startup,
  fault(100, 'kill', 'node1', true),
  state(100, 'node1', 'active', 'stopped'),
  lock(1500, 'node2', 2),
  state(1500, 'node2', 'standby', 'active'),
];

describe('known-bad histories are flagged', () => {
  it.each<[string, HistoryEvent[], FinalState, CheckId]>([
    ['a term that goes back', [...startup, lock(50, 'node2', 0)], final(), 'C1'],
    ['one term granted to two nodes', [...startup, lock(50, 'node2', 1)], final(), 'C1'],
    ['two interleaved terms: a term-1 write after term 2 was granted', [...failover, write(1600, 2), write(1700, 1)], final(), 'C2'],
    ['a term-1 write after a term-2 write, no lock event between', [...startup, write(10, 1), write(20, 2), write(30, 1)], final(), 'C2'],
    ['a write carrying a term its node does not hold', [...startup, write(10, 1, 'node2')], final(), 'C2'],
    ['a KV write with no term while a lock exists', [...startup, write(10, undefined)], final(), 'C2'],
    ['overlapping actives', [...startup, state(100, 'node2', 'standby', 'active')], final(), 'C3'],
    [
      'a paused active that wakes and stays active beside its successor',
      [
        ...startup,
        fault(50, 'pause', 'node1', true),
        lock(1100, 'node2', 2),
        state(1100, 'node2', 'standby', 'active'),
        fault(2000, 'pause', 'node1', false),
      ],
      final(),
      'C3',
    ],
    [
      'a lost write: its version holds another value',
      [...startup, put(10, 1, 'k', 'a'), ok(11, 1, { version: 1 })],
      final({ k: { 1: 'b' } }),
      'C4',
    ],
    [
      'a lost write: the key ends at an older version',
      [...startup, put(10, 1, 'k', 'a'), ok(11, 1, { version: 2 })],
      final({ k: { 1: 'x' } }),
      'C4',
    ],
    ['a lost write: the key ends empty', [...startup, put(10, 1, 'k', 'a'), ok(11, 1)], final(), 'C4'],
    [
      'a lost write: the final value was written before it',
      [...startup, put(10, 1, 'k', 'a'), ok(11, 1), put(12, 2, 'k', 'b'), ok(13, 2)],
      final({ k: { 1: 'a' } }),
      'C4',
    ],
    [
      'a final value from a write reported failed',
      [...startup, put(10, 1, 'k', 'a'), ok(11, 1), put(12, 2, 'k', 'b'), fail(13, 2)],
      final({ k: { 1: 'a', 2: 'b' } }),
      'C4',
    ],
    [
      'a stale read after failover',
      [
        ...failover,
        put(10, 1, 'k', 'a', 'node1'),
        ok(11, 1),
        put(1600, 2, 'k', 'b', 'node2'),
        ok(1601, 2),
        get(1700, 3, 'k', 'node2'),
        ok(1701, 3, { value: 'a' }),
      ],
      final({ k: { 1: 'a', 2: 'b' } }),
      'C5',
    ],
    ['a read of a never-written value', [...startup, get(12, 2, 'k'), ok(13, 2, { value: 'ghost' })], final(), 'C5'],
    [
      'a read of a value whose write failed',
      [...startup, put(10, 1, 'k', 'a'), fail(11, 1), get(12, 2, 'k'), ok(13, 2, { value: 'a' })],
      final(),
      'C5',
    ],
    [
      'reads going back in time',
      [
        ...startup,
        put(10, 1, 'k', 'a'),
        ok(11, 1),
        put(12, 2, 'k', 'b'),
        info(600, 2),
        get(20, 3, 'k'),
        ok(21, 3, { value: 'b' }),
        get(22, 4, 'k'),
        ok(23, 4, { value: 'a' }),
      ],
      final({ k: { 1: 'a', 2: 'b' } }),
      'C5',
    ],
    [
      'an empty read after an acknowledged write',
      [...startup, put(10, 1, 'k', 'a'), ok(11, 1), get(12, 2, 'k'), ok(13, 2, { value: null })],
      final({ k: { 1: 'a' } }),
      'C5',
    ],
    [
      'no active for longer than 2 × TTL',
      [...startup, state(100, 'node1', 'active', 'sealed'), state(3000, 'node2', 'standby', 'active')],
      final(),
      'C6',
    ],
    ['a standby that never takes over', [...startup, state(100, 'node1', 'active', 'sealed')], final(), 'C6'],
    [
      'leadership that moves without any fault (flapping)',
      [...startup, state(5000, 'node1', 'active', 'standby'), lock(5000, 'node2', 2), state(5000, 'node2', 'standby', 'active')],
      final(),
      'C6',
    ],
  ])('%s → %s', (_name, events, fin, check) => {
    expect(checkHistory(events, fin, opts)?.check).toBe(check);
  });

  it('fails loudly with unknown when the linearizability search runs out of budget', () => {
    const events = [
      ...startup,
      put(10, 1, 'k', 'a'),
      put(10, 2, 'k', 'b'),
      get(11, 3, 'k'),
      ok(12, 1),
      ok(12, 2),
      ok(13, 3, { value: 'a' }),
    ];
    expect(checkHistory(events, final({ k: { 1: 'b', 2: 'a' } }), { ...opts, searchBudget: 3 })).toMatchObject({
      check: 'C5',
      unknown: true,
    });
    expect(checkHistory(events, final({ k: { 1: 'b', 2: 'a' } }), opts)).toBeUndefined();
  });

  it('cuts a C5 violation down to the operations that show it', () => {
    const noise = Array.from({ length: 40 }, (_, i) => [put(20 + i, 100 + i, 'k', `n${i}`), ok(20 + i, 100 + i)]).flat();
    const events = [
      ...startup,
      put(10, 1, 'k', 'a'),
      ok(11, 1),
      ...noise,
      put(90, 2, 'k', 'b'),
      ok(91, 2),
      get(92, 3, 'k'),
      ok(93, 3, { value: 'a' }),
    ];
    const v = checkHistory(events, final({ k: { 1: 'a', 2: 'b' } }), opts);
    expect(v?.check).toBe('C5');
    // The write of a, one acknowledged overwrite, and the read of a are enough.
    const shown = v!.events.filter((e) => e.kind === 'invoke');
    expect(shown).toHaveLength(3);
    expect(shown.map((e) => (e.kind === 'invoke' ? e.type : ''))).toEqual(['put', 'put', 'get']);
  });

  it('counts every lost write, even when an earlier check already failed', () => {
    const events = [
      ...startup,
      put(10, 1, 'k', 'a'),
      ok(11, 1, { version: 1 }),
      put(12, 2, 'k', 'b'),
      ok(13, 2, { version: 2 }),
      write(14, 0),
    ];
    expect(lostWrites(events, final({ k: { 1: 'x', 2: 'y' } }))).toBe(2);
  });
});

describe('known-good histories pass', () => {
  it.each<[string, HistoryEvent[], FinalState]>([
    [
      'a clean failover inside 2 × TTL',
      [...failover, write(1600, 2, 'node2'), put(1600, 1, 'k', 'a', 'node2'), ok(1601, 1, { version: 1 })],
      final({ k: { 1: 'a' } }),
    ],
    [
      'a write whose answer was lost (info) that did land',
      [...startup, put(10, 1, 'k', 'a'), info(600, 1), get(700, 2, 'k'), ok(701, 2, { value: 'a' })],
      final({ k: { 1: 'a' } }),
    ],
    [
      'a write whose answer was lost (info) that did not land',
      [...startup, put(10, 1, 'k', 'a'), info(600, 1), get(700, 2, 'k'), ok(701, 2, { value: null })],
      final(),
    ],
    [
      'an info write that lands after later reads saw nothing',
      [
        ...startup,
        put(10, 1, 'k', 'a'),
        info(600, 1),
        get(700, 2, 'k'),
        ok(701, 2, { value: null }),
        get(800, 3, 'k'),
        ok(801, 3, { value: 'a' }),
      ],
      final({ k: { 1: 'a' } }),
    ],
    [
      'a read concurrent with a write sees the old value',
      [...startup, put(10, 1, 'k', 'a'), get(10, 2, 'k'), ok(11, 2, { value: null }), ok(12, 1, { version: 1 })],
      final({ k: { 1: 'a' } }),
    ],
    [
      'a read concurrent with a write sees the new value',
      [...startup, put(10, 1, 'k', 'a'), get(10, 2, 'k'), ok(11, 2, { value: 'a' }), ok(12, 1, { version: 1 })],
      final({ k: { 1: 'a' } }),
    ],
    [
      'two concurrent writes end in either order',
      [...startup, put(10, 1, 'k', 'a'), put(10, 2, 'k', 'b'), ok(12, 2, { version: 1 }), ok(12, 1, { version: 2 })],
      final({ k: { 1: 'b', 2: 'a' } }),
    ],
    [
      'an acknowledged write replaced by a later one',
      [
        ...startup,
        put(10, 1, 'k', 'a'),
        ok(11, 1, { version: 1 }),
        put(12, 2, 'k', 'b'),
        ok(13, 2, { version: 2 }),
        get(14, 3, 'k'),
        ok(15, 3, { value: 'b' }),
      ],
      final({ k: { 1: 'a', 2: 'b' } }),
    ],
    [
      'a failed write that left no trace',
      [...startup, put(10, 1, 'k', 'a'), ok(11, 1, { version: 1 }), put(12, 2, 'k', 'b'), fail(13, 2)],
      final({ k: { 1: 'a' } }),
    ],
    [
      'a frozen active overlapping its successor',
      [
        ...startup,
        fault(50, 'pause', 'node1', true),
        lock(1100, 'node2', 2),
        state(1100, 'node2', 'standby', 'active'),
        state(2000, 'node1', 'active', 'standby'),
        fault(2000, 'pause', 'node1', false),
      ],
      final(),
    ],
    [
      'a trimmed version is not a loss',
      [...startup, put(10, 1, 'k', 'a'), ok(11, 1, { version: 1 }), put(12, 2, 'k', 'z'), ok(13, 2, { version: 5 })],
      final({ k: { 5: 'z' } }),
    ],
    [
      'a step-down whose only candidate waits out its back-off',
      [
        ...startup,
        state(0, 'node2', 'standby', 'sealed'),
        fault(100, 'step-down', 'node1', true),
        state(100, 'node1', 'active', 'standby'),
        fault(100, 'step-down', 'node1', false),
        lock(2150, 'node1', 2),
        state(2150, 'node1', 'standby', 'active'),
      ],
      final(),
    ],
    [
      'no active while all of storage fails',
      [
        ...startup,
        fault(100, 'storage-errors', 'storage', true),
        state(150, 'node1', 'active', 'standby'),
        fault(5000, 'storage-errors', 'storage', false),
        lock(5400, 'node2', 2),
        state(5400, 'node2', 'standby', 'active'),
      ],
      final(),
    ],
    [
      'no active while no node could take over',
      [
        ...startup,
        fault(50, 'seal', 'node2', true),
        state(50, 'node2', 'standby', 'sealed'),
        fault(100, 'seal', 'node1', true),
        state(100, 'node1', 'active', 'sealed'),
        state(8000, 'node2', 'sealed', 'standby'),
        fault(8000, 'seal', 'node2', false),
        lock(8100, 'node2', 2),
        state(8100, 'node2', 'standby', 'active'),
      ],
      final(),
    ],
  ])('%s', (_name, events, fin) => {
    expect(checkHistory(events, fin, opts)).toBeUndefined();
  });
});
