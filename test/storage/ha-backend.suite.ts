/**
 * The HABackend contract: a port of Vault's ExerciseHABackend (sdk/physical/testing.go) plus
 * leases, terms and fencing (docs/invariants.md: single writer per term), in virtual time: nothing sleeps,
 * time moves only when a test advances the SimClock.
 */
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock/index.ts';
import {
  FencedWriteError,
  LockLostError,
  type HABackend,
  type Lock,
  type LockGrant,
  type LockOptions,
  type StorageEvent,
} from '../../src/storage/index.ts';

/** An HA backend under test on a given clock; `reopen` closes it and opens the same storage again (persistent backends). */
export interface HAFixture {
  backend: HABackend & { onEvent?(fn: (e: StorageEvent) => void): () => void };
  reopen?: () => Promise<HABackend>;
  dispose(): Promise<void>;
}

const TTL = 1000;
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (u: Uint8Array | undefined) => (u === undefined ? undefined : new TextDecoder().decode(u));
const never = () => new AbortController().signal;

/** Records the delay of every timer set on clock, to prove waiting is one timer per lease, not polling. */
function timerDelays(clock: SimClock): number[] {
  const delays: number[] = [];
  const set = clock.setTimeout.bind(clock);
  clock.setTimeout = (fn, ms) => (delays.push(ms), set(fn, ms));
  return delays;
}

/** The lock at core/lock as `holder` asks for it; its value is the holder's name in capitals. */
function lockAs(be: HABackend, holder: string, opts: Partial<LockOptions> = {}): Lock {
  return be.lock('core/lock', holder.toUpperCase(), { holder, ttlMs: TTL, ...opts });
}

/** Takes the free lock as `holder`: the lock and its grant. */
async function take(be: HABackend, holder: string, opts: Partial<LockOptions> = {}): Promise<{ lock: Lock; grant: LockGrant }> {
  const lock = lockAs(be, holder, opts);
  const grant = await lock.acquire(never());
  if (!grant) throw new Error(`${holder} did not get the free lock`);
  return { lock, grant };
}

/** Starts acquire in the background and exposes its outcome. */
function contend(be: HABackend, holder: string, signal = never()) {
  const state: { grant?: LockGrant; done: boolean; error?: unknown } = { done: false };
  const lock = lockAs(be, holder);
  const settled = lock.acquire(signal).then(
    (g) => Object.assign(state, { grant: g, done: true }),
    (error) => Object.assign(state, { error, done: true }),
  );
  return { lock, state, settled };
}

/** Runs the HA contract against backends opened on a fresh SimClock. */
export function haBackendSuite(name: string, open: (clock: SimClock) => Promise<HAFixture>): void {
  const test = (fn: (be: HAFixture['backend'], clock: SimClock, fx: HAFixture) => Promise<void>) => async () => {
    const clock = new SimClock();
    const fx = await open(clock);
    try {
      await fn(fx.backend, clock, fx);
    } finally {
      await fx.dispose();
    }
  };

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

    it(
      'answers undefined at once for an already aborted signal, without taking a free lock',
      test(async (be) => {
        const ctl = new AbortController();
        ctl.abort();
        const lock = lockAs(be, 'a');
        expect(await lock.acquire(ctl.signal)).toBeUndefined();
        expect(await lock.value()).toEqual({ held: false });
      }),
    );

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

    it(
      'closing the backend ends every lease and fails the waiters',
      test(async (be) => {
        const ga = (await take(be, 'a')).grant;
        const b = contend(be, 'b');
        await be.close();
        await b.settled;
        expect(ga.lost.aborted).toBe(true);
        expect(b.state.error).toMatchObject({ code: 'STORAGE_CLOSED' });
      }),
    );
  });

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

    it(
      'still refuses an old term once the lock was released or its key deleted (no lease left to compare with)',
      test(async (be) => {
        const { lock: a, grant: g1 } = await take(be, 'a');
        await a.release();
        await take(be, 'b');
        await be.delete('core/lock');
        await expect(be.put('data/y', bytes('stale'), { term: g1.term })).rejects.toBeInstanceOf(FencedWriteError);
        expect(await be.get('data/y')).toBeUndefined();
      }),
    );

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
