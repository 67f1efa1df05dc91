/** Shared body of the random-drill test files (split in four so vitest spreads them over both cores). */
import { expect, it } from 'vitest';
import { randomSpec } from '../../src/drill/drill-spec.ts';
import { runDrill } from '../../src/drill/drill-runner.ts';
import { summary } from '../../src/drill/drill-report.ts';

/** Runs `count` seeded random drills from `firstSeed`: zero violations, zero lost acknowledged writes. */
export function randomDrills(firstSeed: number, count: number): void {
  it(`${count} random drills from seed ${firstSeed} (3–5 nodes, 2–4 clients, 1–5 faults, virtual time)`, async () => {
    const started = Date.now();
    let ops = 0;
    const faults = new Map<string, number>();
    for (let seed = firstSeed; seed < firstSeed + count; seed++) {
      const r = await runDrill(randomSpec(seed));
      expect(r.violation, summary(`seed ${seed}`, r)).toBeUndefined();
      expect(r.lostWrites).toBe(0);
      ops += r.ops.ok;
      for (const f of r.spec.faults) faults.set(f.kind, (faults.get(f.kind) ?? 0) + 1);
    }
    // The drills must really have exercised the cluster.
    expect(ops).toBeGreaterThan(count * 50);
    expect([...faults.keys()].sort()).toEqual(['delete-lock', 'kill', 'partition-storage', 'pause', 'seal', 'slow-storage', 'step-down', 'storage-errors']);
    process.stdout.write(`${count} drills in ${((Date.now() - started) / 1000).toFixed(1)} s, ${ops} acknowledged operations, faults ${JSON.stringify(Object.fromEntries(faults))}\n`);
  }, 600_000);
}
