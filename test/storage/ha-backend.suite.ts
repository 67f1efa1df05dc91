/**
 * The HABackend contract: a port of Vault's ExerciseHABackend (sdk/physical/testing.go) plus
 * leases and terms, then the fencing part (ha-fencing.suite.ts), in virtual time: nothing sleeps,
 * time moves only when a test advances the SimClock.
 */
import { describe, expect, it } from 'vitest';
import type { SimClock } from '../../src/clock/index.ts';
import { LockLostError, type HABackend } from '../../src/storage/index.ts';
import { haFencingSuite } from './ha-fencing.suite.ts';
import { abortedAcquireTest, closeEndsLeasesTest, type TimelessKit } from './ha-timeless.suite.ts';
import { bytes, contendOn, lockAs, never, suiteTest, take, text, TTL, type HAFixture } from './ha-suite-kit.ts';

/** Records the delay of every timer set on clock, to prove waiting is one timer per lease, not polling. */
function timerDelays(clock: SimClock): number[] {
  const delays: number[] = [];
  const set = clock.setTimeout.bind(clock);
  clock.setTimeout = (fn, ms) => (delays.push(ms), set(fn, ms));
  return delays;
}

/** Starts acquire in the background and exposes its outcome. */
const contend = (be: HABackend, holder: string, signal = never()) => contendOn(lockAs(be, holder), signal);

/** Runs the HA contract against backends opened on a fresh SimClock. */
export function haBackendSuite(name: string, open: (clock: SimClock) => Promise<HAFixture>): void {
  const test = suiteTest(open);
  const kit: TimelessKit = { run: (fn) => test((be) => fn(be)), lockAs, take, contend };

  describe(`${name}: the HABackend contract (ExerciseHABackend)`, () => {
    it(
      'grants the first contender; the second sees its value, blocks on one timer, and gets undefined when aborted',
      test(async (be, clock) => {
        const a = lockAs(be, 'a');
        const ga = await a.acquire(never());
        expect(ga?.term).toBeGreaterThan(0);
        expect(await a.value()).toEqual({ held: true, value: 'A', holder: 'a', term: ga!.term, expires: clock.now() + TTL });
        const delays = timerDelays(clock);
        const ctl = new AbortController();
        const b = contend(be, 'b', ctl.signal);
        expect(await b.lock.value()).toMatchObject({ held: true, value: 'A', holder: 'a' });
        await clock.advance(50);
        expect(b.state.done).toBe(false);
        expect(delays).toEqual([TTL]);
        ctl.abort();
        await b.settled;
        expect(b.state).toMatchObject({ done: true, grant: undefined });
        expect(ga!.lost.aborted).toBe(false);
        expect(clock.pending).toBe(0);
      }),
    );

    abortedAcquireTest(kit);

    it(
      'lets a waiter take over exactly at expiry, with a higher term; the old holder learns it lost',
      test(async (be, clock) => {
        const { lock: a, grant: ga } = await take(be, 'a');
        const b = contend(be, 'b');
        await clock.advance(TTL - 1);
        expect(b.state.done).toBe(false);
        expect(ga.lost.aborted).toBe(false);
        await clock.advance(1);
        expect(ga.lost.aborted).toBe(true);
        await b.settled;
        expect(b.state.grant!.term).toBe(ga.term + 1);
        expect(ga.lost.reason).toBeInstanceOf(LockLostError);
        await expect(a.renew()).rejects.toBeInstanceOf(LockLostError);
        expect(await a.value()).toMatchObject({ held: true, holder: 'b', term: ga.term + 1 });
      }),
    );

    it(
      'keeps the lock past its TTL while renewed; a release wakes the waiter at once',
      test(async (be, clock) => {
        const { lock: a, grant: ga } = await take(be, 'a');
        const b = contend(be, 'b');
        for (let i = 0; i < 6; i++) {
          await clock.advance(TTL / 2);
          await a.renew();
        }
        expect(b.state.done).toBe(false);
        expect(ga.lost.aborted).toBe(false);
        const releasedAt = clock.now();
        await a.release();
        // Virtual time stands still: only the release can have woken the waiter.
        await expect.poll(() => b.state.done).toBe(true);
        expect(b.state.grant!.term).toBe(ga.term + 1);
        expect(clock.now()).toBe(releasedAt);
        expect(ga.lost.aborted).toBe(true);
        await expect(a.renew()).rejects.toBeInstanceOf(LockLostError);
      }),
    );

    it(
      'shows a lapsed lease as free, and its holder can no longer renew it (as an expired etcd or Consul session)',
      test(async (be, clock) => {
        const { lock: a, grant: ga } = await take(be, 'a');
        await clock.advance(TTL + 10);
        expect(await lockAs(be, 'b').value()).toEqual({ held: false });
        await expect(a.renew()).rejects.toThrow(/lock lost/);
        expect(ga.lost.aborted).toBe(true);
        expect(await a.value()).toEqual({ held: false });
      }),
    );

    it(
      "keeps a lapsed lease's lock free but untakeable for its lock-delay (Consul), not after a release",
      test(async (be, clock) => {
        const DELAY = 1500;
        const { lock: a, grant: ga } = await take(be, 'a', { lockDelayMs: DELAY });
        const lapsedAt = clock.now() + TTL;
        const b = contend(be, 'b');
        await clock.advance(TTL + 10);
        expect(await a.value()).toEqual({ held: false });
        // The lease lapsed, yet nobody may take the lock before its lock-delay is over; a late
        // release by the old holder does not cut the delay short.
        expect(b.state.done).toBe(false);
        await a.release();
        await clock.advance(lapsedAt + DELAY - 1 - clock.now());
        expect(b.state.done).toBe(false);
        await clock.advance(1);
        await b.settled;
        expect(b.state.grant?.term).toBe(ga.term + 1);
        expect(ga.lost.aborted).toBe(true);
        // A lease given back while live frees the lock at once, delay or not.
        await b.lock.release();
        const { lock: c, grant: gc } = await take(be, 'c', { lockDelayMs: DELAY });
        await c.release();
        const d = contend(be, 'd');
        await d.settled;
        expect(d.state.grant?.term).toBe(gc.term + 1);
      }),
    );

    it(
      'grows the term by one with every acquisition, across keys',
      test(async (be) => {
        const terms: number[] = [];
        for (const key of ['core/lock', 'other/lock', 'core/lock']) {
          const lock = be.lock(key, 'v', { holder: 'h', ttlMs: TTL });
          terms.push((await lock.acquire(never()))!.term);
          await lock.release();
        }
        expect(terms).toEqual([terms[0], terms[0] + 1, terms[0] + 2]);
      }),
    );

    it(
      'mirrors the lease in plaintext at the lock key, and removes it on release',
      test(async (be, clock) => {
        const a = be.lock('core/lock', 'http://node1:8200', { holder: 'a', ttlMs: TTL });
        const ga = (await a.acquire(never()))!;
        expect(JSON.parse(text(await be.get('core/lock'))!)).toEqual({
          holder: 'a',
          value: 'http://node1:8200',
          term: ga.term,
          expires: clock.now() + TTL,
        });
        await clock.advance(300);
        await a.renew();
        expect(JSON.parse(text(await be.get('core/lock'))!).expires).toBe(clock.now() + TTL);
        await a.release();
        expect(await be.get('core/lock')).toBeUndefined();
      }),
    );

    it(
      'ends the lease at once when the lock key is deleted: the holder loses, a waiter takes it with a higher term',
      test(async (be, clock) => {
        const { lock: a, grant: ga } = await take(be, 'a');
        const b = contend(be, 'b');
        const deletedAt = clock.now();
        await be.delete('core/lock');
        expect(ga.lost.aborted).toBe(true);
        await expect.poll(() => b.state.done).toBe(true);
        expect(b.state.grant!.term).toBe(ga.term + 1);
        expect(clock.now()).toBe(deletedAt);
        await expect(a.renew()).rejects.toBeInstanceOf(LockLostError);
      }),
    );

    closeEndsLeasesTest(kit);
  });

  haFencingSuite(name, open);
}
