/** Vault's key rules and the list arithmetic, as tables. */
import { describe, expect, it } from 'vitest';
import { checkPrefix, childOf, isReservedKey, isValidKey, prefixRange, RESERVED_PREFIX } from '../../src/storage/key-rules.ts';

describe('key rules', () => {
  it.each([
    ['a', true],
    ['a/b/c', true],
    ['.a', true],
    ['a..', true],
    ['...', true],
    ['a b/ü', true],
    ['', false],
    ['/', false],
    ['/a', false],
    ['a/', false],
    ['a//b', false],
    ['.', false],
    ['..', false],
    ['a/./b', false],
    ['a/../b', false],
    ['a/..', false],
    [`${RESERVED_PREFIX}lock-term`, false],
  ])('isValidKey(%j) is %s', (key, valid) => {
    expect(isValidKey(key)).toBe(valid);
  });

  it.each([
    ['', true],
    ['a/', true],
    ['a/b/', true],
    ['a', true],
    ['a/b', true],
    ['a//', false],
    ['/', false],
    ['./', false],
    ['a/../', false],
  ])('checkPrefix(%j) accepts: %s', (prefix, ok) => {
    if (ok) expect(() => checkPrefix(prefix)).not.toThrow();
    else expect(() => checkPrefix(prefix)).toThrow(expect.objectContaining({ code: 'STORAGE_INVALID_KEY' }));
  });

  it.each([
    ['', {}],
    ['a/', { gte: 'a/', lt: 'a0' }],
    ['fo', { gte: 'fo', lt: 'fp' }],
  ])('prefixRange(%j) is %j', (prefix, range) => {
    expect(prefixRange(prefix)).toEqual(range);
  });

  it.each([
    ['', 'a', 'a'],
    ['', 'a/b/c', 'a/'],
    ['a/', 'a/b', 'b'],
    ['a/', 'a/b/c', 'b/'],
    ['f', 'foo/x', 'oo/'],
  ])('childOf(%j, %j) is %j', (prefix, key, child) => {
    expect(childOf(prefix, key)).toBe(child);
  });

  it('reserves exactly the keys no caller can write', () => {
    expect(isReservedKey(`${RESERVED_PREFIX}x`)).toBe(true);
    expect(isReservedKey('core/lock')).toBe(false);
  });
});
