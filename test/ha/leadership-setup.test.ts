/**
 * A node that takes the lock but cannot get ready (storage fails during activation) gives
 * the lock back and retries. Its barrier must keep a fencing term meanwhile: a request held
 * over from an earlier active spell may still write, and an unfenced write would be
 * accepted whoever holds the lock (random drill seed 808 found exactly that write).
 */
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock/index.ts';
import type { Barrier } from '../../src/crypto/index.ts';
import { LAB_TIMINGS, Leadership } from '../../src/ha/index.ts';
import { Activation, type ActivationParts } from '../../src/node/core/activation.ts';
import { MemoryBackend } from '../../src/storage/memory-backend.ts';

describe('leadership setup that fails', () => {
  it('gives the lock back but never leaves the barrier writing unfenced', async () => {
    const clock = new SimClock(1_700_000_000_000);
    const backend = await MemoryBackend.open({ clock });
    const writeOptions: Array<{ term?: number }> = [];
    let setups = 0;
    const advertise = { apiAddr: 'http://127.0.0.1:8200', clusterAddr: 'http://127.0.0.1:8201' };
    const parts = {
      barrier: {
        reloadKeyring: async () => undefined,
        setWriteOptions: (o: { term?: number }) => writeOptions.push(o),
        cacheReads: () => undefined,
        put: async () => undefined,
        list: async () => [],
        delete: async () => undefined,
      },
      mounts: {
        load: async () => {
          if (setups++ === 0) throw new Error('injected storage fault');
        },
      },
      tokens: { load: async () => undefined, expiries: async () => [], unload: () => undefined },
      policies: { clear: () => undefined },
      audit: { load: async () => undefined, unload: () => undefined },
      expiration: { start: () => undefined, stop: () => undefined },
      clock,
      readCache: true,
      advertise,
    } as unknown as ActivationParts;
    const activation = new Activation(parts);
    const events: string[] = [];
    const leadership = new Leadership({
      backend,
      clock,
      timings: LAB_TIMINGS,
      holderId: 'node1',
      advertise,
      report: (e) => events.push(`${e.event} ${e.term}`),
    });
    const stop = new AbortController();
    const campaign = leadership.campaign(stop.signal, 0, (t, holder) => activation.activate(t, holder));
    // The first setup fails at once; the retry comes lockRetryMs later.
    await clock.advance(LAB_TIMINGS.lockRetryMs + 50);
    expect(setups).toBe(2);
    const term = await campaign;

    expect(events).toEqual(['released 1', 'retry 1', 'acquired 2']);
    expect(term).toBe(2);
    // Every write option the barrier was given carries a term: first 1, then 2.
    expect(writeOptions).toEqual([{ term: 1 }, { term: 2 }]);
    await backend.close();
  });
});
