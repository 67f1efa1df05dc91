/**
 * The HABackend contract in real time: the same promises as ha-backend.suite.ts and
 * ha-fencing.suite.ts (Vault's ExerciseHABackend plus terms and fencing), for a backend whose
 * leases run on a clock the test cannot move, as etcd's do on its own servers. Time passes by
 * waiting, so nothing here says how soon (a loaded machine is slow); only what happens, and in
 * which order. It runs on etcd and, to prove the suite itself, on the memory backend.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FencedWriteError, LockLostError, type HABackend, type Lock, type LockGrant, type StorageEvent } from '../../src/storage/index.ts';
import { bytes, contendOn, never, text } from './ha-suite-kit.ts';
import { abortedAcquireTest, closeEndsLeasesTest, fencesAfterReleaseTest, type TimelessKit } from './ha-timeless.suite.ts';

/** A backend under test, with its own way to reopen the same storage. */
export interface RealtimeFixture {
  backend: HABackend & { onEvent?(fn: (e: StorageEvent) => void): () => void };
  reopen(): Promise<HABackend>;
  dispose(): Promise<void>;
}

/** The lease of this suite: etcd counts whole seconds, and two leave room for a slow renewal. */
export const REAL_TTL = 2000;
/** How long anything that must happen may take, on a loaded machine (many leases). */
const EVENTUALLY = { timeout: 20 * REAL_TTL, interval: 50 };

const lockAs = (be: HABackend, holder: string, key = 'core/lock') => be.lock(key, holder.toUpperCase(), { holder, ttlMs: REAL_TTL });

async function take(be: HABackend, holder: string): Promise<{ lock: Lock; grant: LockGrant }> {
  const lock = lockAs(be, holder);
  const grant = await lock.acquire(never());
  if (!grant) throw new Error(`${holder} did not get the free lock`);
  return { lock, grant };
}

/** Starts acquire in the background and exposes its outcome. */
const contend = (be: HABackend, holder: string, signal = never()) => contendOn(lockAs(be, holder), signal);

/** a holds the lock, lets it lapse without renewing (a paused process), and b takes it. */
async function takeOver(be: HABackend) {
  const ga = (await take(be, 'a')).grant;
  await be.put('data/x', bytes('from a'), { term: ga.term });
  const b = contend(be, 'b');
  await b.settled;
  return { old: ga.term, current: b.state.grant!.term, a: ga, b };
}

/** Runs the real-time HA contract on fresh backends from `open`. */
export function haRealtimeSuite(name: string, open: () => Promise<RealtimeFixture>): void {
  const test = (fn: (be: RealtimeFixture['backend'], fx: RealtimeFixture) => Promise<void>) => async () => {
    const fx = await open();
    try {
      await fn(fx.backend, fx);
    } finally {
      await fx.dispose();
    }
  };
  const slow = 60 * REAL_TTL;
  const kit: TimelessKit = { run: test, lockAs, take, contend, timeout: slow };

  describe(`${name}: the HABackend contract in real time`, () => {
    it(
      'grants the first contender; the second sees its value, waits, and gets undefined when aborted',
      test(async (be) => {
        const { lock: a, grant: ga } = await take(be, 'a');
        expect(ga.term).toBeGreaterThan(0);
        expect(await a.value()).toMatchObject({ held: true, value: 'A', holder: 'a', term: ga.term });
        const ctl = new AbortController();
        const b = contend(be, 'b', ctl.signal);
        expect(await b.lock.value()).toMatchObject({ held: true, value: 'A', holder: 'a' });
        await a.renew();
        expect(b.state.done).toBe(false);
        ctl.abort();
        await b.settled;
        expect(b.state).toMatchObject({ done: true, grant: undefined });
        expect(ga.lost.aborted).toBe(false);
        await a.release();
      }),
      slow,
    );

    abortedAcquireTest(kit);

    it(
      'lets a waiter take over once an unrenewed lease lapses, with a higher term; the old holder learns it lost',
      test(async (be) => {
        const { a, b, old, current } = await takeOver(be);
        expect(current).toBeGreaterThan(old);
        await expect.poll(() => a.lost.aborted, EVENTUALLY).toBe(true);
        expect(a.lost.reason).toBeInstanceOf(LockLostError);
        expect(await b.lock.value()).toMatchObject({ held: true, holder: 'b', term: current });
      }),
      slow,
    );

    it(
      'keeps the lock past its TTL while renewed; a release wakes the waiter',
      test(async (be) => {
        const { lock: a, grant: ga } = await take(be, 'a');
        const b = contend(be, 'b');
        const until = Date.now() + 2 * REAL_TTL;
        while (Date.now() < until) {
          await sleep(REAL_TTL / 8);
          await a.renew();
        }
        expect(b.state.done).toBe(false);
        expect(ga.lost.aborted).toBe(false);
        await a.release();
        await b.settled;
        expect(b.state.grant!.term).toBeGreaterThan(ga.term);
        expect(ga.lost.aborted).toBe(true);
        await expect(a.renew()).rejects.toBeInstanceOf(LockLostError);
      }),
      slow,
    );

    it(
      'shows a lapsed lease as free, and its holder can no longer renew it',
      test(async (be) => {
        const { lock: a, grant: ga } = await take(be, 'a');
        await expect.poll(() => lockAs(be, 'b').value(), EVENTUALLY).toEqual({ held: false });
        await expect(a.renew()).rejects.toBeInstanceOf(LockLostError);
        await expect.poll(() => ga.lost.aborted, EVENTUALLY).toBe(true);
      }),
      slow,
    );

    it(
      'grows the term with every acquisition, across keys',
      test(async (be) => {
        const terms: number[] = [];
        for (const key of ['core/lock', 'other/lock', 'core/lock']) {
          const lock = lockAs(be, 'h', key);
          terms.push((await lock.acquire(never()))!.term);
          await lock.release();
        }
        expect(terms[1]).toBeGreaterThan(terms[0]);
        expect(terms[2]).toBeGreaterThan(terms[1]);
      }),
      slow,
    );

    it(
      'keeps the holder and its advertised value in plaintext at the lock key, and removes them on release',
      test(async (be) => {
        const a = be.lock('core/lock', 'http://node1:8200', { holder: 'a', ttlMs: REAL_TTL });
        await a.acquire(never());
        expect(JSON.parse(text(await be.get('core/lock'))!)).toMatchObject({ holder: 'a', value: 'http://node1:8200' });
        await a.release();
        expect(await be.get('core/lock')).toBeUndefined();
      }),
      slow,
    );

    it(
      'ends the lease when the lock key is deleted: the holder loses, a waiter takes it with a higher term',
      test(async (be) => {
        const { grant: ga } = await take(be, 'a');
        const b = contend(be, 'b');
        await be.delete('core/lock');
        await expect.poll(() => ga.lost.aborted, EVENTUALLY).toBe(true);
        await b.settled;
        expect(b.state.grant!.term).toBeGreaterThan(ga.term);
      }),
      slow,
    );

    closeEndsLeasesTest(kit);
  });

  describe(`${name}: fencing in real time`, () => {
    it(
      'refuses a put, delete or batch from an older term whole, and writes nothing',
      test(async (be) => {
        const { old, current } = await takeOver(be);
        const refused = await be.put('data/x', bytes('stale'), { term: old }).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(FencedWriteError);
        expect(refused).toMatchObject({ code: 'STORAGE_FENCED', term: old, currentTerm: current });
        await expect(be.delete('data/x', { term: old })).rejects.toBeInstanceOf(FencedWriteError);
        const ops = [
          { type: 'put', key: 'data/v1', value: bytes('stale version') },
          { type: 'put', key: 'data/x', value: bytes('stale meta') },
          { type: 'delete', key: 'data/x' },
        ] as const;
        await expect(be.batch(ops, { term: old })).rejects.toMatchObject({ code: 'STORAGE_FENCED', term: old, currentTerm: current });
        expect(await be.get('data/v1')).toBeUndefined();
        expect(text(await be.get('data/x'))).toBe('from a');
        await be.batch(ops.slice(0, 2), { term: current });
        expect(text(await be.get('data/v1'))).toBe('stale version');
        expect(text(await be.get('data/x'))).toBe('stale meta');
      }),
      slow,
    );

    it(
      'accepts writes from the current term and unfenced writes; with fencing off, a stale one too',
      test(async (be) => {
        const { old, current } = await takeOver(be);
        await be.put('data/x', bytes('from b'), { term: current });
        expect(text(await be.get('data/x'))).toBe('from b');
        await be.put('data/x', bytes('unfenced'));
        expect(text(await be.get('data/x'))).toBe('unfenced');
        be.setFencing(false);
        await be.put('data/x', bytes('split brain'), { term: old });
        expect(text(await be.get('data/x'))).toBe('split brain');
        be.setFencing(true);
        await expect(be.put('data/x', bytes('stale'), { term: old })).rejects.toBeInstanceOf(FencedWriteError);
      }),
      slow,
    );

    fencesAfterReleaseTest(kit);

    it(
      'reports lock changes, accepted writes and fenced writes, in order',
      test(async (be) => {
        if (!be.onEvent) return expect.unreachable('the backend reports events');
        const seen: string[] = [];
        const stop = be.onEvent((e) =>
          seen.push(e.type === 'lock' ? `${e.event} ${e.holder}` : e.type === 'health' ? e.type : `${e.type} ${e.key}`),
        );
        const { lock: a, grant: ga } = await take(be, 'a');
        await a.renew();
        await be.put('data/1', bytes('x'), { term: ga.term });
        await a.release();
        const { grant: gc } = await take(be, 'c');
        await be.delete('data/1', { term: ga.term }).catch(() => undefined);
        await be.batch(
          [
            { type: 'put', key: 'data/3', value: bytes('x') },
            { type: 'delete', key: 'data/4' },
          ],
          { term: gc.term },
        );
        stop();
        await be.put('data/2', bytes('unseen'));
        expect(seen).toEqual([
          'acquired a',
          'renewed a',
          'write data/1',
          'released a',
          'acquired c',
          'fenced data/1',
          'write data/3',
          'write data/4',
        ]);
      }),
      slow,
    );

    it(
      'keeps growing terms across a reopen of the same storage, and fences terms from before it',
      test(async (be, fx) => {
        const g1 = (await take(be, 'a')).grant;
        const again = await fx.reopen();
        await expect(again.put('data/x', bytes('stale'), { term: g1.term - 1 })).rejects.toBeInstanceOf(FencedWriteError);
        const g2 = (await again.lock('core/lock', 'A', { holder: 'a2', ttlMs: REAL_TTL }).acquire(never()))!;
        expect(g2.term).toBeGreaterThan(g1.term);
        expect(await again.list('')).toEqual(['core/']);
      }),
      slow,
    );
  });
}
