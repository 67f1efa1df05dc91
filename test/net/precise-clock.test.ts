/**
 * The links' real-time clock: a wait is never cut short, a cleared one never fires, and a
 * wait below a millisecond ends well before Node's own timers could end it (they fire no
 * sooner than 1 ms). The upper bound is on the median of 50, with five times the setting's
 * margin below that 1 ms floor, so load noise stays small beside it.
 */
import { describe, expect, it } from 'vitest';
import { PreciseClock } from '../../src/net/index.ts';

const clock = new PreciseClock();

/** ms from asking for a wait of `ms` to its firing, on the clock's own time. */
function waitTime(ms: number): Promise<number> {
  const start = clock.now();
  return new Promise((resolve) => clock.setTimeout(() => resolve(clock.now() - start), ms));
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

describe('PreciseClock', () => {
  it('never fires early, below a millisecond or above it', async () => {
    for (const ms of [0, 0.05, 0.2, 1.5, 3]) expect(await waitTime(ms)).toBeGreaterThanOrEqual(ms);
  });

  it('ends a 0.2 ms wait in under 1 ms at the median of 50, where a Node timer takes at least 1 ms', async () => {
    const times: number[] = [];
    for (let i = 0; i < 50; i++) times.push(await waitTime(0.2));
    expect(median(times)).toBeLessThan(1);
  });

  it('does not fire a cleared wait, timer or loop turn alike', async () => {
    let fired = 0;
    clock.clearTimeout(clock.setTimeout(() => fired++, 0.1));
    clock.clearTimeout(clock.setTimeout(() => fired++, 5));
    await waitTime(8);
    expect(fired).toBe(0);
  });

  it('sleeps as a Clock does', async () => {
    const start = clock.now();
    await clock.sleep(2.5);
    expect(clock.now() - start).toBeGreaterThanOrEqual(2.5);
  });
});
