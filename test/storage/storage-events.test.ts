/** A listener that throws must neither break a lock transition nor silence the other listeners. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { settle } from '../../src/clock/index.ts';
import { MemoryBackend, type StorageEvent } from '../../src/storage/index.ts';
import { FullDiskMemoryBackend } from './full-disk.ts';

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

  it('tells a health-only listener when writes start and stop failing, and nothing else', async () => {
    const be = await FullDiskMemoryBackend.create();
    const seen: StorageEvent[] = [];
    be.onEvent((e) => seen.push(e), ['health']);
    await be.lock('core/lock', 'A', { holder: 'a', ttlMs: 1000 }).acquire(new AbortController().signal);
    await be.put('a/b', new Uint8Array([1]));
    be.disk.full = true;
    for (let i = 0; i < 3; i++) await be.put('a/b', new Uint8Array([2])).catch(() => undefined);
    expect(be.writeFailure()).toMatchObject({ code: 'STORAGE_IO', failures: 3 });
    be.disk.full = false;
    await be.put('a/b', new Uint8Array([3]));
    expect(seen).toEqual([
      {
        type: 'health',
        failure: expect.objectContaining({ code: 'STORAGE_IO', failures: 1, message: expect.stringContaining('No space left on device') }),
      },
      { type: 'health' },
    ]);
    expect(be.writeFailure()).toBeUndefined();
    await be.close();
  });
});
