/** The HABackend contract (a port of Vault's ExerciseHABackend plus fencing), in virtual time. */
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock/index.ts';
import type { HABackend } from '../../src/storage/index.ts';

const b = (s: string) => new TextEncoder().encode(s);

/** Runs the HA contract against backends opened on a SimClock. */
export function haBackendSuite(name: string, open: (clock: SimClock) => Promise<{ backend: HABackend; reopen?: () => Promise<HABackend>; dispose(): Promise<void> }>): void {
  const withHA = (fn: (be: HABackend, clock: SimClock, reopen?: () => Promise<HABackend>) => Promise<void>) => async () => {
    const clock = new SimClock();
    const { backend, reopen, dispose } = await open(clock);
    try {
      await fn(backend, clock, reopen);
    } finally {
      await dispose();
    }
  };

  describe(`${name}: the HABackend contract`, () => {
    it('grants one contender; the other blocks, sees the holder, and gets undefined when aborted', withHA(async (be, clock) => {
      const a = be.lock('core/lock', 'A', { holder: 'a', ttlMs: 1000 });
      const grant = await a.acquire(new AbortController().signal);
      expect(grant?.term).toBeGreaterThan(0);
      expect(await a.value()).toMatchObject({ held: true, value: 'A', holder: 'a', term: grant!.term });
      const bLock = be.lock('core/lock', 'B', { holder: 'b', ttlMs: 1000 });
      expect(await bLock.value()).toMatchObject({ held: true, value: 'A' });
      const ctl = new AbortController();
      const waiting = bLock.acquire(ctl.signal);
      await clock.advance(50);
      ctl.abort();
      expect(await waiting).toBeUndefined();
    }));

    it('after the TTL a waiter takes over with a higher term and the old holder learns it lost', withHA(async (be, clock) => {
      const a = be.lock('core/lock', 'A', { holder: 'a', ttlMs: 1000 });
      const ga = (await a.acquire(new AbortController().signal))!;
      const bLock = be.lock('core/lock', 'B', { holder: 'b', ttlMs: 1000 });
      let gb: Awaited<ReturnType<typeof bLock.acquire>>;
      void bLock.acquire(new AbortController().signal).then((g) => (gb = g));
      await clock.advance(999);
      expect(gb!).toBeUndefined();
      await clock.advance(2);
      expect(gb!.term).toBeGreaterThan(ga.term);
      expect(ga.lost.aborted).toBe(true);
      await expect(a.renew()).rejects.toMatchObject({ code: 'STORAGE_LOCK_LOST' });
    }));

    it('renewal keeps the lock past its TTL; release wakes the waiter at once', withHA(async (be, clock) => {
      const a = be.lock('core/lock', 'A', { holder: 'a', ttlMs: 1000 });
      await a.acquire(new AbortController().signal);
      const bLock = be.lock('core/lock', 'B', { holder: 'b', ttlMs: 1000 });
      let got = false;
      void bLock.acquire(new AbortController().signal).then(() => (got = true));
      for (let i = 0; i < 5; i++) {
        await clock.advance(500);
        await a.renew();
      }
      expect(got).toBe(false);
      await a.release();
      await clock.advance(0);
      expect(got).toBe(true);
    }));

    it('refuses a write from an older term, atomically; with fencing off it goes through', withHA(async (be, clock) => {
      const a = be.lock('core/lock', 'A', { holder: 'a', ttlMs: 1000 });
      const ga = (await a.acquire(new AbortController().signal))!;
      await be.put('data/x', b('1'), { term: ga.term });
      await clock.advance(1001);
      const gb = (await be.lock('core/lock', 'B', { holder: 'b', ttlMs: 1000 }).acquire(new AbortController().signal))!;
      await expect(be.put('data/x', b('stale'), { term: ga.term })).rejects.toMatchObject({ code: 'STORAGE_FENCED' });
      await expect(be.delete('data/x', { term: ga.term })).rejects.toMatchObject({ code: 'STORAGE_FENCED' });
      expect(new TextDecoder().decode(await be.get('data/x'))).toBe('1');
      await be.put('data/x', b('2'), { term: gb.term });
      be.setFencing(false);
      await be.put('data/x', b('stale'), { term: ga.term });
      expect(new TextDecoder().decode(await be.get('data/x'))).toBe('stale');
    }));

    it('still refuses an old term after the lock was released or its key deleted (no lease left to compare with)', withHA(async (be, clock) => {
      const a = be.lock('core/lock', 'A', { holder: 'a', ttlMs: 1000 });
      const g1 = (await a.acquire(new AbortController().signal))!;
      await a.release();
      const b2 = be.lock('core/lock', 'B', { holder: 'b', ttlMs: 1000 });
      await b2.acquire(new AbortController().signal);
      await be.delete('core/lock');
      await clock.advance(10);
      await expect(be.put('data/y', b('stale'), { term: g1.term })).rejects.toMatchObject({ code: 'STORAGE_FENCED' });
      expect(await be.get('data/y')).toBeUndefined();
    }));

    it('deleting the lock key ends the lease at once', withHA(async (be) => {
      const a = be.lock('core/lock', 'A', { holder: 'a', ttlMs: 1000 });
      const ga = (await a.acquire(new AbortController().signal))!;
      await be.delete('core/lock');
      expect(ga.lost.aborted).toBe(true);
      expect((await a.value()).held).toBe(false);
    }));

    it('keeps growing terms across a reopen of the same storage', withHA(async (be, _clock, reopen) => {
      if (!reopen) return;
      const g1 = (await be.lock('core/lock', 'A', { holder: 'a', ttlMs: 1000 }).acquire(new AbortController().signal))!;
      const again = await reopen();
      const g2 = (await again.lock('core/lock', 'A', { holder: 'a2', ttlMs: 1000 }).acquire(new AbortController().signal))!;
      expect(g2.term).toBeGreaterThan(g1.term);
    }));
  });
}
