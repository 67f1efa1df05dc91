/** T3, part 1: scenarios in real time; kill-active three more times for a median downtime. */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/drill/drills.ts';
import { realTimeScenarios } from './real-time.ts';

describe('shipped scenarios in real time over HTTP on level storage (1)', () => {
  realTimeScenarios(['kill-active', 'seal-active', 'step-down-under-load', 'partition-active-from-storage', 'zombie-leader']);

  it('reports the median and worst downtime of three kill-active runs at once', async () => {
    const runs = await Promise.all([2, 3, 4].map((seed) => runScenario('kill-active', { seed, realTime: true })));
    for (const r of runs)
      expect(
        r.expectations.filter((e) => !e.ok),
        r.summary,
      ).toEqual([]);
    const downs = runs.map((r) => r.result.downtimeMs).sort((a, b) => a - b);
    process.stdout.write(`kill-active (real time, TTL 1 s) downtime over 3 runs: median ${downs[1]} ms, worst ${downs[2]} ms\n`);
  }, 60_000);
});
