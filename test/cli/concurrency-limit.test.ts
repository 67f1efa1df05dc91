/** The walk's concurrency limit: never more than `max` tasks at once, every task run, results and failures to their callers. */
import { describe, expect, it } from 'vitest';
import { concurrencyLimit } from '../../src/cli/concurrency-limit.ts';

describe('concurrencyLimit', () => {
  it('runs at most max tasks at once, queued in order, each result to its caller', async () => {
    const limit = concurrencyLimit(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const release: Array<() => void> = [];
    const results = Array.from({ length: 10 }, (_, i) =>
      limit(async () => {
        started.push(i);
        peak = Math.max(peak, ++running);
        await new Promise<void>((r) => release.push(r));
        running--;
        return i * 2;
      }),
    );
    expect(started).toEqual([0, 1, 2]);
    // Release tasks one by one as they start, so the queue drains in order.
    while (release.length) {
      release.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(results)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
  });

  it('frees the slot of a task that fails and hands the failure to its caller', async () => {
    const limit = concurrencyLimit(1);
    const failed = limit(() => Promise.reject(new Error('boom')));
    const next = limit(async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('ran');
  });
});
