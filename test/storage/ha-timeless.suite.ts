/**
 * The promises of the HA contract that no clock decides, written once and registered by both
 * the virtual-time suite (ha-backend.suite.ts, ha-fencing.suite.ts) and the real-time one
 * (ha-realtime.suite.ts), each with its own way to open a backend and take a lock.
 */
import { expect, it } from 'vitest';
import { FencedWriteError, type HABackend, type Lock, type LockGrant } from '../../src/storage/index.ts';
import { bytes } from './ha-suite-kit.ts';

/** How a suite runs one test and takes locks. */
export interface TimelessKit {
  run(fn: (be: HABackend) => Promise<void>): () => Promise<void>;
  lockAs(be: HABackend, holder: string): Lock;
  take(be: HABackend, holder: string): Promise<{ lock: Lock; grant: LockGrant }>;
  contend(be: HABackend, holder: string): { state: { grant?: LockGrant; done: boolean; error?: unknown }; settled: Promise<unknown> };
  /** The test's timeout (real time needs one; virtual time does not). */
  timeout?: number;
}

/** An aborted signal answers undefined at once and takes nothing. */
export function abortedAcquireTest(k: TimelessKit): void {
  it(
    'answers undefined at once for an already aborted signal, without taking a free lock',
    k.run(async (be) => {
      const ctl = new AbortController();
      ctl.abort();
      const lock = k.lockAs(be, 'a');
      expect(await lock.acquire(ctl.signal)).toBeUndefined();
      expect(await lock.value()).toEqual({ held: false });
    }),
    k.timeout,
  );
}

/** Closing the backend ends every lease and fails every waiter. */
export function closeEndsLeasesTest(k: TimelessKit): void {
  it(
    'closing the backend ends every lease and fails the waiters',
    k.run(async (be) => {
      const ga = (await k.take(be, 'a')).grant;
      const b = k.contend(be, 'b');
      await be.close();
      await b.settled;
      expect(ga.lost.aborted).toBe(true);
      expect(b.state.error).toMatchObject({ code: 'STORAGE_CLOSED' });
    }),
    k.timeout,
  );
}

/** A released or deleted lock still fences the terms before it. */
export function fencesAfterReleaseTest(k: TimelessKit): void {
  it(
    'still refuses an old term once the lock was released or its key deleted (no lease left to compare with)',
    k.run(async (be) => {
      const { lock: a, grant: g1 } = await k.take(be, 'a');
      await a.release();
      await k.take(be, 'b');
      await be.delete('core/lock');
      await expect(be.put('data/y', bytes('stale'), { term: g1.term })).rejects.toBeInstanceOf(FencedWriteError);
      expect(await be.get('data/y')).toBeUndefined();
    }),
    k.timeout,
  );
}
