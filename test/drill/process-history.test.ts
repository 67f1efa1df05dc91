/**
 * The parts of a process drill's history: storage's revision order, how long two running nodes
 * both said they were active, and what of a node's log enters the history.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeOverlapMs, nodeEvents, storageOrder } from '../../src/drill/process/process-history.ts';
import type { ClusterEvent } from '../../src/drill/index.ts';

const state = (t: number, node: string, to: string): ClusterEvent => ({ t, kind: 'state', node, from: '-', to });
const fault = (t: number, name: string, target: string, on: boolean): ClusterEvent => ({ t, kind: 'fault', name, target, on });

describe('activeOverlapMs', () => {
  it.each([
    ['a hand-over with no overlap', [state(0, 'n1', 'active'), state(10, 'n1', 'standby'), state(20, 'n2', 'active')], 0],
    [
      'a woken SIGSTOPped active, until it steps down',
      [
        state(0, 'n1', 'active'),
        fault(5, 'pause', 'n1', true),
        state(20, 'n2', 'active'),
        fault(50, 'pause', 'n1', false),
        state(58, 'n1', 'standby'),
      ],
      8,
    ],
    [
      'a SIGKILLed active, which logs nothing more',
      [state(0, 'n1', 'active'), fault(5, 'kill', 'n1', true), state(20, 'n2', 'active'), state(90, 'n2', 'standby')],
      0,
    ],
    ['two actives that never end', [state(0, 'n1', 'active'), state(30, 'n2', 'active'), state(40, 'n2', 'standby')], 10],
  ] as const)('%s: %d ms', (_name, events, ms) => {
    expect(activeOverlapMs(events as unknown as ClusterEvent[])).toBe(ms);
  });
});

describe('storageOrder', () => {
  it('orders acquisitions and writes by etcd revision, whatever their wall-clock times, and leaves the rest out', () => {
    const w = (t: number, key: string): ClusterEvent => ({ t, kind: 'storageWrite', key, term: 5 });
    const lock: ClusterEvent = { t: 9, kind: 'lock', node: 'n1', event: 'acquired', term: 5 };
    const order = storageOrder([
      { event: w(1, 'b'), revision: 7 },
      { event: lock, revision: 5 },
      { event: w(2, 'a'), revision: 6 },
      { event: state(0, 'n1', 'active') },
    ]);
    expect(order).toEqual([lock, w(2, 'a'), w(1, 'b')]);
  });
});

describe('nodeEvents', () => {
  it("takes a node's log into the history without its lease renewals, which change nobody's state", () => {
    const dir = mkdtempSync(join(tmpdir(), 'vaultlab-history-'));
    try {
      const file = join(dir, 'node1.events.jsonl');
      const lines = [
        { t: 1, kind: 'lock', node: 'node1', event: 'acquired', term: 5 },
        { t: 2, kind: 'lock', node: 'node1', event: 'renewed', term: 5 },
        { t: 3, kind: 'storageWrite', node: 'node1', key: 'k', term: 5, revision: 6 },
        { t: 4, kind: 'lock', node: 'node1', event: 'renewed', term: 5 },
      ];
      writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      expect(nodeEvents([file], 0)).toEqual([
        { event: { t: 1, kind: 'lock', node: 'node1', event: 'acquired', term: 5 }, revision: 5 },
        { event: { t: 3, kind: 'storageWrite', key: 'k', term: 5, node: 'node1' }, revision: 6 },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
