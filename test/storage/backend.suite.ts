/**
 * The Backend contract, a port of Vault's ExerciseBackend and ExerciseBackend_ListPrefix
 * (sdk/physical/testing.go) plus what vaultlab adds (binary values, key rules, no aliasing),
 * run with identical expectations on every backend.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/storage/index.ts';

/** A backend under test and how to throw it away. */
export interface BackendFixture<B extends Backend = Backend> {
  backend: B;
  dispose(): Promise<void>;
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (u: Uint8Array | undefined) => (u === undefined ? undefined : new TextDecoder().decode(u));

/** Runs `fn` on a fresh backend from `open`, disposed of afterwards. */
export function withFixture<B extends Backend>(open: () => Promise<BackendFixture<B>>, fn: (be: B) => Promise<void>): () => Promise<void> {
  return async () => {
    const { backend, dispose } = await open();
    try {
      await fn(backend);
    } finally {
      await dispose();
    }
  };
}

/** Runs the Backend contract against fresh backends from `open`. */
export function backendSuite(name: string, open: () => Promise<BackendFixture>): void {
  const test = (fn: (be: Backend) => Promise<void>) => withFixture(open, fn);

  describe(`${name}: the Backend contract (ExerciseBackend)`, () => {
    it(
      'lists nothing when empty',
      test(async (be) => {
        expect(await be.list('')).toEqual([]);
      }),
    );

    it(
      'deletes a missing key without error, twice',
      test(async (be) => {
        await be.delete('foo');
        await be.delete('foo');
        expect(await be.list('')).toEqual([]);
      }),
    );

    it(
      'keeps its own copy: wiping the Buffer written, or the bytes read, leaves what storage holds',
      test(async (be) => {
        // Buffers from the shared pool, as callers pass them: a backend that kept slice() views would hold the caller's memory.
        const written = Buffer.from('kept');
        const batched = Buffer.from('batched');
        await be.put('k', written);
        await be.batch([{ type: 'put', key: 'b', value: batched }]);
        written.fill(0);
        batched.fill(0);
        (await be.get('k'))!.fill(0);
        expect(text(await be.get('k'))).toBe('kept');
        expect(text(await be.get('b'))).toBe('batched');
      }),
    );

    it(
      'applies a batch of puts and deletes in order',
      test(async (be) => {
        await be.put('gone', bytes('old'));
        await be.batch([
          { type: 'put', key: 'a/1', value: bytes('first') },
          { type: 'put', key: 'a/1', value: bytes('second') },
          { type: 'delete', key: 'gone' },
          { type: 'put', key: 'b', value: bytes('b') },
          { type: 'delete', key: 'b' },
        ]);
        expect(text(await be.get('a/1'))).toBe('second');
        expect(await be.get('gone')).toBeUndefined();
        expect(await be.get('b')).toBeUndefined();
        await be.batch([]);
        expect(await be.list('')).toEqual(['a/']);
      }),
    );

    it(
      'writes none of a batch that fails part way (a bad key, a value that is not bytes)',
      test(async (be) => {
        await be.put('keep', bytes('kept'));
        const badKey = [
          { type: 'put', key: 'new', value: bytes('x') },
          { type: 'delete', key: 'keep' },
          { type: 'put', key: 'bad//key', value: bytes('x') },
        ] as const;
        await expect(be.batch(badKey)).rejects.toThrow();
        const badValue = [
          { type: 'put', key: 'new', value: bytes('x') },
          { type: 'delete', key: 'keep' },
          { type: 'put', key: 'other', value: undefined as unknown as Uint8Array },
        ] as const;
        await expect(be.batch(badValue)).rejects.toThrow();
        expect(await be.get('new')).toBeUndefined();
        expect(text(await be.get('keep'))).toBe('kept');
      }),
    );

    it(
      'answers undefined for a missing key',
      test(async (be) => {
        expect(await be.get('foo')).toBeUndefined();
      }),
    );

    it(
      'puts, gets, lists, overwrites and deletes one key',
      test(async (be) => {
        await be.put('foo', bytes('test'));
        expect(text(await be.get('foo'))).toBe('test');
        expect(await be.list('')).toEqual(['foo']);
        await be.put('foo', bytes('again'));
        expect(text(await be.get('foo'))).toBe('again');
        await be.delete('foo');
        expect(await be.get('foo')).toBeUndefined();
        expect(await be.list('')).toEqual([]);
      }),
    );

    it(
      'shows a nested key as its folder with a trailing slash, next to a key of the same name',
      test(async (be) => {
        await be.put('foo', bytes('test'));
        await be.put('foo/bar', bytes('baz'));
        expect(await be.list('')).toEqual(['foo', 'foo/']);
        expect(await be.list('foo/')).toEqual(['bar']);
        expect(text(await be.get('foo/bar'))).toBe('baz');
      }),
    );

    it(
      'leaves the children when their parent key is deleted',
      test(async (be) => {
        await be.put('foo', bytes('test'));
        await be.put('foo/bar', bytes('baz'));
        await be.delete('foo');
        expect(await be.get('foo')).toBeUndefined();
        expect(await be.list('')).toEqual(['foo/']);
        expect(text(await be.get('foo/bar'))).toBe('baz');
      }),
    );

    it(
      'cleans up deep nesting: the folders vanish with their last key',
      test(async (be) => {
        await be.put('foo/bar/baz/qux/quux', bytes('deep'));
        expect(await be.list('foo/bar/baz/')).toEqual(['qux/']);
        await be.delete('foo/bar/baz/qux/quux');
        for (const prefix of ['', 'foo/', 'foo/bar/', 'foo/bar/baz/', 'foo/bar/baz/qux/']) expect(await be.list(prefix)).toEqual([]);
      }),
    );

    it(
      'removes a prefix from the listing once its keys are gone',
      test(async (be) => {
        await be.put('foo/bar', bytes('1'));
        await be.put('foo/baz', bytes('2'));
        await be.put('fooz', bytes('3'));
        await be.delete('foo/bar');
        expect(await be.list('')).toEqual(['foo/', 'fooz']);
        await be.delete('foo/baz');
        expect(await be.list('')).toEqual(['fooz']);
      }),
    );
  });

  describe(`${name}: listing (ExerciseBackend_ListPrefix)`, () => {
    const seed = async (be: Backend) => {
      for (const k of ['foo', 'foo/bar', 'foo/bar/baz', 'foo/zip', 'foo0', 'zap', 'a-b/c', 'a/b']) await be.put(k, bytes(k));
    };

    it.each([
      ['', ['a-b/', 'a/', 'foo', 'foo/', 'foo0', 'zap']],
      ['foo/', ['bar', 'bar/', 'zip']],
      ['foo/bar/', ['baz']],
      ['fo', ['o', 'o/', 'o0']],
      ['nothing/', []],
      ['foo/zip/', []],
    ])('list(%j) is the sorted direct children, each once', (prefix, expected) =>
      test(async (be) => {
        await seed(be);
        expect(await be.list(prefix)).toEqual(expected);
      })(),
    );

    it(
      'names a folder once however many keys it holds, and steps over big folders',
      test(async (be) => {
        // More keys than one iterator batch, so the listing must seek past the folder.
        for (let i = 0; i < 600; i++) await be.put(`big/${String(i).padStart(4, '0')}/leaf`, bytes('x'));
        await be.put('big0', bytes('after'));
        await be.put('bi', bytes('before'));
        expect(await be.list('')).toEqual(['bi', 'big/', 'big0']);
        expect(await be.list('big/')).toHaveLength(600);
      }),
    );

    it(
      'orders keys as UTF-8 bytes (as LevelDB and Go do), not UTF-16 code units',
      test(async (be) => {
        // U+FF5E sorts after U+1F600 in UTF-16 (0xFF5E > 0xD83D) but before it in UTF-8 (EF BD 9E < F0 9F 98 80).
        for (const k of ['u/😀', 'u/～', 'u/z', 'u/é']) await be.put(k, bytes(k));
        expect(await be.list('u/')).toEqual(['z', 'é', '～', '😀']);
      }),
    );
  });

  describe(`${name}: bytes and keys`, () => {
    it(
      'stores a key as its UTF-8 bytes: a lone surrogate becomes U+FFFD, as on disk',
      test(async (be) => {
        await be.put('s/a\uD800', bytes('first'));
        await be.put('s/a\uDBFF', bytes('second'));
        expect(await be.list('s/')).toEqual(['a\uFFFD']);
        expect(text(await be.get('s/a\uFFFD'))).toBe('second');
        await be.delete('s/a\uDC00');
        expect(await be.list('s/')).toEqual([]);
      }),
    );

    it(
      'round-trips every byte value, and empty values',
      test(async (be) => {
        const all = Uint8Array.from({ length: 256 }, (_, i) => i);
        await be.put('bin', all);
        await be.put('empty', new Uint8Array(0));
        const got = await be.get('bin');
        expect(got).toBeInstanceOf(Uint8Array);
        expect(Array.from(got!)).toEqual(Array.from(all));
        expect((await be.get('empty'))?.length).toBe(0);
      }),
    );

    it(
      'stores its own copy: changing the buffer after put, or what get returned, changes nothing stored',
      test(async (be) => {
        const v = bytes('secret');
        await be.put('k', v);
        v.fill(0);
        const got = await be.get('k');
        got!.fill(0);
        expect(text(await be.get('k'))).toBe('secret');
      }),
    );

    it.each(['', '/abs', 'trailing/', 'a//b', 'a/../b', '../a', './a', 'a/.', 'a/..', '.', '..'])(
      'refuses the key %j on every operation',
      (key) =>
        test(async (be) => {
          for (const call of [() => be.put(key, bytes('x')), () => be.get(key), () => be.delete(key)]) {
            await expect(call()).rejects.toMatchObject({ code: 'STORAGE_INVALID_KEY' });
          }
          expect(await be.list('')).toEqual([]);
        })(),
    );

    it.each(['.a', 'a..b', '...', 'a/.b/c', 'with space', 'ü/ß'])('accepts the odd but valid key %j', (key) =>
      test(async (be) => {
        await be.put(key, bytes('v'));
        expect(text(await be.get(key))).toBe('v');
      })(),
    );

    it.each(['a//', '/a/', '../', 'a/./'])('refuses the list prefix %j', (prefix) =>
      test(async (be) => {
        await expect(be.list(prefix)).rejects.toMatchObject({ code: 'STORAGE_INVALID_KEY' });
      })(),
    );

    it(
      'refuses every call once closed',
      test(async (be) => {
        await be.close();
        await expect(be.get('foo')).rejects.toMatchObject({ code: 'STORAGE_CLOSED' });
        await expect(be.put('foo', bytes('x'))).rejects.toMatchObject({ code: 'STORAGE_CLOSED' });
        await expect(be.list('')).rejects.toMatchObject({ code: 'STORAGE_CLOSED' });
      }),
    );
  });
}
