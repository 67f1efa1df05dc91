/** A listener that throws must neither break a lock transition nor silence the other listeners. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { settle } from '../../src/clock/index.ts';
import { MemoryBackend, type StorageEvent } from '../../src/storage/index.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('storage events', () => {
  it('still takes the lock and tells the next listener when one listener throws; the error is rethrown on its own tick', async () => {
    // Catch what is rethrown on its own tick, instead of letting it crash the test run.
    const rethrown: unknown[] = [];
    const real = globalThis.queueMicrotask;
    vi.stubGlobal('queueMicrotask', (fn: () => void) =>
      real(() => {
        try {
          fn();
        } catch (err) {
          rethrown.push(err);
        }
      }),
    );
    const be = await MemoryBackend.open();
    const seen: StorageEvent[] = [];
    be.onEvent(() => {
      throw new Error('listener bug');
    });
    be.onEvent((e) => seen.push(e));
    const grant = await be.lock('core/lock', 'A', { holder: 'a', ttlMs: 1000 }).acquire(new AbortController().signal);
    expect(grant?.term).toBe(1);
    expect(seen).toMatchObject([{ type: 'lock', event: 'acquired', holder: 'a', term: 1 }]);
    await settle();
    expect(rethrown).toEqual([new Error('listener bug')]);
    await be.close();
  });
});
