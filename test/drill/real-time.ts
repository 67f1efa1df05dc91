/**
 * Shared body of the real-time scenario tests (T3): each shipped scenario on wall-clock
 * timers, HTTP listeners and the level backend on disk, with the lab's 1 s lock TTL.
 * Safety is asserted (no violation, no lost write, fencing at work, the mutant caught);
 * downtime and other timing figures are printed, never asserted.
 */
import { expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.ts';
import { runScenario } from '../../src/drill/drills.ts';

/** One test per scenario in `names`, played in real time. */
export function realTimeScenarios(names: readonly string[]): void {
  it.each(names.map((n) => [n] as const))(
    '%s',
    async (name) => {
      expect(SCENARIOS.some((s) => s.name === name)).toBe(true);
      const r = await runScenario(name, { seed: 1, realTime: true });
      expect(
        r.expectations.filter((e) => !e.ok),
        r.summary,
      ).toEqual([]);
      expect(r.result.ops.ok).toBeGreaterThan(50);
      process.stdout.write(
        `${name} (real time): downtime ${r.result.downtimeMs} ms (wall), ${r.result.ops.ok} ok, ${r.result.ops.failed} failed, ${r.result.ops.unknown} unknown\n`,
      );
    },
    60_000,
  );
}
