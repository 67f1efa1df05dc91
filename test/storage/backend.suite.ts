/** The Backend contract (a port of Vault's ExerciseBackend and ExerciseBackend_ListPrefix), run on every backend. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/storage/index.ts';

const b = (s: string) => new TextEncoder().encode(s);
const s = (u: Uint8Array | undefined) => (u ? new TextDecoder().decode(u) : undefined);

/** Runs the contract against fresh backends from `open` (each test gets its own, closed after). */
export function backendSuite(name: string, open: () => Promise<{ backend: Backend; dispose(): Promise<void> }>): void {
  const withBackend = (fn: (be: Backend) => Promise<void>) => async () => {
    const { backend, dispose } = await open();
    try {
      await fn(backend);
    } finally {
      await dispose();
    }
  };

  describe(`${name}: the Backend contract`, () => {
    it('starts empty; get of a missing key is undefined; delete of a missing key is fine', withBackend(async (be) => {
      expect(await be.list('')).toEqual([]);
      expect(await be.get('foo')).toBeUndefined();
      await be.delete('foo');
    }));

    it('puts, gets, overwrites and deletes', withBackend(async (be) => {
      await be.put('foo', b('test'));
      expect(s(await be.get('foo'))).toBe('test');
      await be.put('foo', b('again'));
      expect(s(await be.get('foo'))).toBe('again');
      expect(await be.list('')).toEqual(['foo']);
      await be.delete('foo');
      expect(await be.get('foo')).toBeUndefined();
      expect(await be.list('')).toEqual([]);
    }));

    it('lists direct children only, folders once with a trailing slash, sorted', withBackend(async (be) => {
      for (const k of ['foo', 'foo/bar', 'foo/baz/qux', 'foo/baz/quux', 'zip', 'foo0']) await be.put(k, b(k));
      expect(await be.list('')).toEqual(['foo', 'foo/', 'foo0', 'zip']);
      expect(await be.list('foo/')).toEqual(['bar', 'baz/']);
      expect(await be.list('foo/baz/')).toEqual(['quux', 'qux']);
      expect(await be.list('nothing/')).toEqual([]);
    }));

    it('deleting a parent leaves its children; deleting the children empties the folder', withBackend(async (be) => {
      await be.put('foo', b('1'));
      await be.put('foo/bar', b('2'));
      await be.delete('foo');
      expect(await be.list('')).toEqual(['foo/']);
      await be.delete('foo/bar');
      expect(await be.list('')).toEqual([]);
    }));

    it('keeps binary values byte for byte', withBackend(async (be) => {
      const v = new Uint8Array(256).map((_, i) => i);
      await be.put('bin', v);
      expect([...(await be.get('bin'))!]).toEqual([...v]);
    }));

    it.each(['', '/abs', 'a//b', 'a/../b', './a', 'a/.'])('refuses the key %j', (key) => withBackend(async (be) => {
      await expect(be.put(key, b('x'))).rejects.toMatchObject({ code: 'STORAGE_INVALID_KEY' });
    })());

    it('matches a Map model over random operation sequences', withBackend(async (be) => {
      const key = fc.constantFrom('a', 'b', 'a/b', 'a/c', 'a/b/c', 'd/e', 'ab');
      const op = fc.oneof(
        fc.record({ kind: fc.constant('put' as const), key, value: fc.string({ maxLength: 8 }) }),
        fc.record({ kind: fc.constant('delete' as const), key }),
        fc.record({ kind: fc.constant('get' as const), key }),
        fc.record({ kind: fc.constant('list' as const), key: fc.constantFrom('', 'a/', 'a/b/', 'd/') }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 50 }), async (ops) => {
          for (const k of ['a', 'b', 'a/b', 'a/c', 'a/b/c', 'd/e', 'ab']) await be.delete(k);
          const model = new Map<string, string>();
          for (const o of ops) {
            if (o.kind === 'put') {
              await be.put(o.key, b(o.value));
              model.set(o.key, o.value);
            } else if (o.kind === 'delete') {
              await be.delete(o.key);
              model.delete(o.key);
            } else if (o.kind === 'get') {
              expect(s(await be.get(o.key))).toBe(model.get(o.key));
            } else {
              const expected = new Set<string>();
              for (const k of model.keys()) {
                if (!k.startsWith(o.key)) continue;
                const rest = k.slice(o.key.length);
                expected.add(rest.includes('/') ? rest.slice(0, rest.indexOf('/') + 1) : rest);
              }
              expect(await be.list(o.key)).toEqual([...expected].sort());
            }
          }
        }),
        { numRuns: 200 },
      );
    }));
  });
}
