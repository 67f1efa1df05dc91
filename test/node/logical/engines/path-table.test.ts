/**
 * The path-table router every engine routes through: first match wins, captures reach
 * the handler, create falls back to update, and the table's (or the path's) answers
 * where no handler serves a request.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedOperationError } from '../../../../src/node/errors.ts';
import type { EngineRequest } from '../../../../src/node/logical/engines/engine.ts';
import { checkExistence, noContent, routeRequest, type PathTable } from '../../../../src/node/logical/engines/path-table.ts';
import type { Operation } from '../../../../src/node/logical/request.ts';

const req = (operation: Operation, path: string) => ({ operation, path, data: {} }) as unknown as EngineRequest;
const says = (what: string) => async (_r: EngineRequest, params: Record<string, string>) => ({ data: { what, ...params } });

const table: PathTable = {
  paths: [
    { pattern: /^exact$/, operations: { read: says('exact') }, unsupported: () => new UnsupportedOperationError('own') },
    {
      pattern: /^items\/(?<name>[^/]+)(?:\/(?<rest>.*))?$/,
      operations: { read: says('item'), update: says('write'), patch: noContent(async () => 'ignored') },
      exists: async (_r, { name }) => (name === 'ghost' ? undefined : name === 'here'),
    },
    { pattern: /^items\/.*$/, operations: { list: says('items') }, exists: async () => true },
    { pattern: /^soft$/, operations: {}, unsupported: () => ({ status: 404, data: null, warnings: ['soft'] }) },
  ],
  unsupported: () => new UnsupportedOperationError('table'),
  unmatched: () => new UnsupportedOperationError('nowhere'),
};

describe('routeRequest', () => {
  it.each([
    ['read', 'exact', { data: { what: 'exact' } }],
    ['read', 'items/a', { data: { what: 'item', name: 'a', rest: '' } }],
    ['read', 'items/a/b/c', { data: { what: 'item', name: 'a', rest: 'b/c' } }],
    ['create', 'items/a', { data: { what: 'write', name: 'a', rest: '' } }],
    ['patch', 'items/a', undefined],
    ['list', 'items/', { data: { what: 'items' } }],
    ['update', 'soft', { status: 404, data: null, warnings: ['soft'] }],
  ] as const)('%s %s is served as the first matching path says', async (op, path, expected) => {
    expect(await routeRequest(table, req(op, path))).toEqual(expected);
  });

  it.each([
    ['delete', 'exact', 'own'],
    ['delete', 'items/a', 'table'],
    ['read', 'nothing', 'nowhere'],
    ['read', 'exact/', 'nowhere'],
  ] as const)('%s %s is refused with the answer named for it (%s)', async (op, path, message) => {
    await expect(routeRequest(table, req(op, path))).rejects.toEqual(new UnsupportedOperationError(message));
  });
});

describe('checkExistence', () => {
  it.each([
    ['items/here', true],
    ['items/gone', false],
    ['items/ghost', undefined],
    ['items/', true],
    ['exact', undefined],
    ['nothing', undefined],
  ] as const)('%s → %s: the matching path decides, and a path without a check says nothing', async (path, expected) => {
    expect(await checkExistence(table, req('update', path))).toBe(expected);
  });
});
