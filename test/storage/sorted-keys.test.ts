/** The in-memory backend's lazily sorted key index: UTF-8 order, folding of notes, snapshot cursors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8, SortedKeys } from '../../src/storage/sorted-keys.ts';

const enc = new TextEncoder();
const byBytes = (a: string, b: string) => Math.sign(Buffer.compare(enc.encode(a), enc.encode(b)));

/** A SortedKeys over a live set the test changes as a backend would. */
function index() {
  const live = new Set<string>();
  const keys = new SortedKeys((k) => live.has(k));
  return {
    keys,
    add: (k: string) => (live.has(k) ? undefined : (live.add(k), keys.noteAdded(k))),
    remove: (k: string) => (live.delete(k) ? keys.noteRemoved() : undefined),
    all: async (range = {}) => keys.cursor(range).nextv(1000),
  };
}

describe('compareUtf8', () => {
  it('orders any two well-formed strings as their UTF-8 bytes do', () => {
    const str = fc.string({ unit: 'grapheme', maxLength: 6 });
    fc.assert(
      fc.property(str, str, (a, b) => Math.sign(compareUtf8(a, b)) === byBytes(a, b)),
      { numRuns: 2000 },
    );
  });

  it('puts U+FF5E before U+1F600, where UTF-16 code units disagree', () => {
    expect(compareUtf8('～', '😀')).toBeLessThan(0);
    expect(compareUtf8('z', 'é')).toBeLessThan(0);
  });
});

describe('SortedKeys', () => {
  it('lists a key removed and added again (twice) once, and forgets one added then removed', async () => {
    const ix = index();
    for (const k of ['b', 'a', 'c']) ix.add(k);
    expect(await ix.all()).toEqual(['a', 'b', 'c']);
    ix.remove('b');
    ix.add('b');
    ix.remove('b');
    ix.add('b');
    ix.add('d');
    ix.remove('d');
    ix.remove('a');
    expect(await ix.all()).toEqual(['b', 'c']);
  });

  it('agrees with a sorted set over random adds, removes and listings', async () => {
    const op = fc.tuple(fc.constantFrom('add', 'remove', 'list'), fc.constantFrom('a', 'b', 'ab', 'é', '～', '😀', 'a/b'));
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const ix = index();
        const model = new Set<string>();
        for (const [kind, k] of ops) {
          if (kind === 'add') (ix.add(k), model.add(k));
          if (kind === 'remove') (ix.remove(k), model.delete(k));
          if (kind === 'list') expect(await ix.all()).toEqual([...model].sort(byBytes));
        }
        expect(await ix.all()).toEqual([...model].sort(byBytes));
      }),
    );
  });

  it('reads a snapshot: keys written while a cursor is open do not show in it', async () => {
    const ix = index();
    for (const k of ['a', 'c', 'e']) ix.add(k);
    const cursor = ix.keys.cursor({});
    expect(await cursor.nextv(1)).toEqual(['a']);
    ix.add('b');
    ix.add('d');
    ix.remove('e');
    expect(await ix.all()).toEqual(['a', 'b', 'c', 'd']);
    expect(await cursor.nextv(10)).toEqual(['c', 'e']);
    expect(await cursor.nextv(10)).toEqual([]);
  });

  it('keeps to its range, also after a seek', async () => {
    const ix = index();
    for (const k of ['a', 'b/1', 'b/2', 'b/3', 'b0', 'c']) ix.add(k);
    const cursor = ix.keys.cursor({ gte: 'b/', lt: 'b0' });
    expect(await cursor.nextv(1)).toEqual(['b/1']);
    cursor.seek('b/3');
    expect(await cursor.nextv(10)).toEqual(['b/3']);
    cursor.seek('a');
    expect(await cursor.nextv(10)).toEqual(['b/1', 'b/2', 'b/3']);
    cursor.seek('z');
    expect(await cursor.nextv(10)).toEqual([]);
  });
});
