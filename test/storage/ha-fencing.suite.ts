/**
 * The HA backend's fencing (docs/invariants.md: single writer per term), the events it reports
 * to the drill checker, and its terms across a reopen, in virtual time.
 */
import { describe, expect, it } from 'vitest';
import type { SimClock } from '../../src/clock/index.ts';
import { FencedWriteError, type HABackend } from '../../src/storage/index.ts';
import { bytes, lockAs, never, suiteTest, take, text, TTL, type HAFixture } from './ha-suite-kit.ts';
import { fencesAfterReleaseTest } from './ha-timeless.suite.ts';

/** Runs the fencing, events and persistence parts of the HA contract (haBackendSuite runs them with the rest). */
export function haFencingSuite(name: string, open: (clock: SimClock) => Promise<HAFixture>): void {
  const test = suiteTest(open);

  describe(`${name}: fencing (HA-1)`, () => {
    const takeOver = async (be: HABackend, clock: SimClock) => {
      const ga = (await take(be, 'a')).grant;
      await be.put('data/x', bytes('from a'), { term: ga.term });
      await clock.advance(TTL);
      const gb = (await take(be, 'b')).grant;
      return { old: ga.term, current: gb.term };
    };

    it(
      'refuses a put or delete from an older term and writes nothing',
      test(async (be, clock) => {
        const { old, current } = await takeOver(be, clock);
        const refused = await be.put('data/x', bytes('stale'), { term: old }).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(FencedWriteError);
        expect(refused).toMatchObject({ code: 'STORAGE_FENCED', term: old, currentTerm: current });
        await expect(be.delete('data/x', { term: old })).rejects.toBeInstanceOf(FencedWriteError);
        await expect(be.put('data/new', bytes('stale'), { term: old })).rejects.toBeInstanceOf(FencedWriteError);
        expect(text(await be.get('data/x'))).toBe('from a');
        expect(await be.get('data/new')).toBeUndefined();
      }),
    );

    it(
      "refuses a deposed leader's batch whole: none of its ops lands, and the current term's batch does",
      test(async (be, clock) => {
        const { old, current } = await takeOver(be, clock);
        const ops = [
          { type: 'put', key: 'data/v1', value: bytes('stale version') },
          { type: 'put', key: 'data/x', value: bytes('stale meta') },
          { type: 'delete', key: 'data/x' },
        ] as const;
        const refused = await be.batch(ops, { term: old }).catch((e: unknown) => e);
        expect(refused).toMatchObject({ code: 'STORAGE_FENCED', term: old, currentTerm: current });
        expect(await be.get('data/v1')).toBeUndefined();
        expect(text(await be.get('data/x'))).toBe('from a');
        await be.batch(ops.slice(0, 2), { term: current });
        expect(text(await be.get('data/v1'))).toBe('stale version');
        expect(text(await be.get('data/x'))).toBe('stale meta');
      }),
    );

    it(
      'accepts writes from the current term and unfenced writes',
      test(async (be, clock) => {
        const { current } = await takeOver(be, clock);
        await be.put('data/x', bytes('from b'), { term: current });
        expect(text(await be.get('data/x'))).toBe('from b');
        await be.put('data/x', bytes('unfenced'));
        expect(text(await be.get('data/x'))).toBe('unfenced');
      }),
    );

    it(
      'lets the stale write through with fencing off (the split-brain drill), and refuses it again when back on',
      test(async (be, clock) => {
        const { old } = await takeOver(be, clock);
        be.setFencing(false);
        await be.put('data/x', bytes('split brain'), { term: old });
        expect(text(await be.get('data/x'))).toBe('split brain');
        be.setFencing(true);
        await expect(be.put('data/x', bytes('stale'), { term: old })).rejects.toBeInstanceOf(FencedWriteError);
      }),
    );

    fencesAfterReleaseTest({ run: (fn) => test((be) => fn(be)), lockAs, take, contend: () => expect.unreachable() });

    it(
      'is decided when the write is called: a lock change before the write completes does not undo it',
      test(async (be, clock) => {
        const ga = (await take(be, 'a')).grant;
        await clock.advance(TTL);
        const write = be.put('data/z', bytes('accepted'), { term: ga.term });
        await take(be, 'b');
        await write;
        expect(text(await be.get('data/z'))).toBe('accepted');
      }),
    );
  });

  describe(`${name}: events`, () => {
    it(
      'reports lock changes, accepted writes and fenced writes, in order',
      test(async (be, clock) => {
        if (!be.onEvent) return expect.unreachable('an embedded backend reports events');
        const seen: string[] = [];
        const stop = be.onEvent((e) =>
          seen.push(e.type === 'lock' ? `${e.event} ${e.holder} ${e.term}` : e.type === 'health' ? e.type : `${e.type} ${e.key} ${e.term}`),
        );
        const a = lockAs(be, 'a');
        const t = (await a.acquire(never()))!.term;
        await a.renew();
        await be.put('data/1', bytes('x'), { term: t });
        await clock.advance(TTL);
        const b = lockAs(be, 'b');
        await b.acquire(never());
        await be.delete('data/1', { term: t }).catch(() => undefined);
        await b.release();
        const c = lockAs(be, 'c');
        const tc = (await c.acquire(never()))!.term;
        await be.batch(
          [
            { type: 'put', key: 'data/3', value: bytes('x') },
            { type: 'delete', key: 'data/4' },
          ],
          { term: tc },
        );
        await be.delete('core/lock');
        stop();
        await be.put('data/2', bytes('unseen'));
        expect(seen).toEqual([
          `acquired a ${t}`,
          `renewed a ${t}`,
          `write data/1 ${t}`,
          `expired a ${t}`,
          `acquired b ${t + 1}`,
          `fenced data/1 ${t}`,
          `released b ${t + 1}`,
          `acquired c ${t + 2}`,
          `write data/3 ${t + 2}`,
          `write data/4 ${t + 2}`,
          `lost c ${t + 2}`,
          'write core/lock undefined',
        ]);
      }),
    );
  });

  describe(`${name}: persistence`, () => {
    it(
      'keeps growing terms across a reopen of the same storage, and fences terms from before it',
      test(async (be, _clock, fx) => {
        if (!fx.reopen) return;
        const g1 = (await take(be, 'a')).grant;
        const again = await fx.reopen();
        await expect(again.put('data/x', bytes('stale'), { term: g1.term - 1 })).rejects.toBeInstanceOf(FencedWriteError);
        const g2 = (await again.lock('core/lock', 'A', { holder: 'a2', ttlMs: TTL }).acquire(never()))!;
        expect(g2.term).toBe(g1.term + 1);
        expect(await again.list('')).toEqual(['core/']);
      }),
    );
  });
}
