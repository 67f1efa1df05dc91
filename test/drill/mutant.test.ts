/**
 * T1-M: proof that the checker can fail. With storage fencing switched off, the zombie
 * leader's stale writes land: the checker must report the split brain in 20 of 20 seeds,
 * while the same drill with fencing on is clean and shows storage refusing the writes.
 * Over random drills without fencing the detection rate is reported.
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.ts';
import { runRandomDrills } from '../../src/drill/drills.ts';
import { runDrill } from '../../src/drill/drill-runner.ts';
import { compileScenario } from '../../src/drill/scenario.ts';

const seeds = Array.from({ length: 20 }, (_, i) => i + 1);

/** Plays a scenario once per seed, one after the other (each drill owns its virtual clock). */
async function playAll(name: string) {
  const scenario = SCENARIOS.find((s) => s.name === name)!;
  const out = [];
  for (const seed of seeds) out.push(await runDrill(compileScenario(scenario, seed).spec));
  return out;
}

describe('the fencing mutant (T1-M)', () => {
  it('is reported as a split brain in 20 of 20 seeds, with lost acknowledged writes', async () => {
    const runs = await playAll('zombie-leader-unfenced');
    expect(runs.map((r) => r.violation?.check)).toEqual(seeds.map(() => 'C2'));
    const losing = runs.filter((r) => r.lostWrites > 0).length;
    process.stdout.write(`unfenced zombie leader: split brain flagged in 20/20 seeds, acknowledged writes lost in ${losing}/20\n`);
    expect(losing).toBeGreaterThanOrEqual(15);
  }, 120_000);

  it('is clean with fencing on in the same 20 seeds, where storage refuses the stale writes', async () => {
    const runs = await playAll('zombie-leader');
    expect(runs.map((r) => r.violation?.message)).toEqual(seeds.map(() => undefined));
    expect(runs.map((r) => r.lostWrites)).toEqual(seeds.map(() => 0));
    expect(runs.filter((r) => r.fencedWrites > 0)).toHaveLength(20);
  }, 120_000);

  it('is caught in some random drills without fencing (the rate is reported)', async () => {
    const r = await runRandomDrills(200, 5001, { fencing: false, shrink: false });
    const byCheck: Record<string, number> = {};
    for (const f of r.failures) {
      const check = f.result.violation?.check ?? 'lost writes only';
      byCheck[check] = (byCheck[check] ?? 0) + 1;
    }
    process.stdout.write(`random drills without fencing: ${r.failures.length}/200 flagged ${JSON.stringify(byCheck)}\n`);
    expect(r.failures.length).toBeGreaterThan(0);
  }, 300_000);
});
