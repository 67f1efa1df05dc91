/** The control inputs' rules as a table: what the CLI refuses locally and the server refuses with 400. */
import { describe, expect, it } from 'vitest';
import { checkFault, ControlError, FAULT_SHAPES, LAB_FAULTS, MAX_FAULT_MS, parseDurationFlag } from '../../src/lab/index.ts';

const NODES = ['node1', 'node2', 'node3'];

describe('--duration', () => {
  it.each(['1', '500', '60000', String(MAX_FAULT_MS)])('accepts %s', (s) => {
    expect(parseDurationFlag(s)).toBe(Number(s));
  });

  it.each([
    'abc',
    '',
    '0',
    '-1',
    '1.5',
    '1e3',
    '0x10',
    ' 5',
    '5 ',
    '5s',
    '500ms',
    'Infinity',
    'NaN',
    String(MAX_FAULT_MS + 1),
    '99999999999',
  ])('refuses %j', (s) => {
    expect(() => parseDurationFlag(s)).toThrow(ControlError);
  });
});

describe('checkFault', () => {
  it('knows a shape for every fault', () => {
    expect(Object.keys(FAULT_SHAPES)).toEqual([...LAB_FAULTS]);
  });

  it.each([
    ['node2', 'partition-peers', 500, { node: 'node2', kind: 'partition-peers', durationMs: 500 }],
    ['storage', 'slow-storage', undefined, { node: 'storage', kind: 'slow-storage' }],
    ['active', 'step-down', undefined, { node: 'active', kind: 'step-down' }],
    ['node1', 'step-down', undefined, { node: 'node1', kind: 'step-down' }],
    ['node3', 'seal', undefined, { node: 'node3', kind: 'seal' }],
  ])('accepts %s %s %s', (node, kind, ms, want) => {
    expect(checkFault(node, kind, ms, NODES)).toEqual(want);
  });

  it.each([
    ['node2', 'partition-peers', 'abc'],
    ['node2', 'partition-peers', '500'],
    ['storage', 'partition-peers', undefined],
    ['active', 'pause', undefined],
    [undefined, 'kill', undefined],
    ['node9', 'kill', undefined],
    ['node1', 'slow-storage', undefined],
    ['storage', 'delete-lock', 10],
    ['node1', 'restart', 10],
    ['node1', 'toString', undefined],
    ['node1', undefined, undefined],
    ['node1', ['kill'], undefined],
  ])('refuses %j %j %j', (node, kind, ms) => {
    expect(() => checkFault(node, kind, ms, NODES)).toThrow(ControlError);
  });
});
