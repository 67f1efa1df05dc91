/**
 * req/s is taken over the time the client measured. autocannon stops at its next one-second tick,
 * so a `--quick` run asked for 0.5 s counts about 1.01 s of requests: divided by 0.5 it read twice
 * the full run's rate. Results shaped as autocannon returns them, no clock involved.
 */
import { describe, expect, it } from 'vitest';
import { autocannonCounted, measuredRate } from '../../bench/rate.ts';

/** An autocannon result of a server answering `rate` req/s, run for `ranMs` (whatever it was asked for). */
function autocannonResult(rate: number, ranMs: number) {
  const start = new Date(Date.UTC(2026, 11, 3, 9, 0, 0));
  return { requests: { total: Math.round((rate * ranMs) / 1000) }, start, finish: new Date(start.getTime() + ranMs) };
}

describe('the rate of a measurement', () => {
  it('a quick-shaped run (0.5 s asked, 1.01 s run) gives the same req/s as a full-run-shaped one (2 s asked, 2.01 s run)', () => {
    const serverRate = 8000;
    const quick = measuredRate(autocannonCounted(autocannonResult(serverRate, 1010)));
    const full = measuredRate(autocannonCounted(autocannonResult(serverRate, 2010)));
    expect(quick / full).toBeGreaterThan(0.99);
    expect(quick / full).toBeLessThan(1.01);
    expect(quick).toBeCloseTo(serverRate, -1);
    // What dividing by the duration asked for gave: the quick run at twice the full run's rate.
    const byAsked = (r: ReturnType<typeof autocannonResult>, askedSec: number) => r.requests.total / askedSec;
    expect(byAsked(autocannonResult(serverRate, 1010), 0.5) / byAsked(autocannonResult(serverRate, 2010), 2)).toBeGreaterThan(1.9);
  });

  it('is 0, not Infinity or NaN, when no time was measured', () => {
    expect(measuredRate({ requests: 5, startMs: 100, finishMs: 100 })).toBe(0);
    expect(measuredRate({ requests: 0, startMs: 100, finishMs: 100 })).toBe(0);
  });
});
