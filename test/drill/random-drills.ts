/**
 * Shared body of the random-drill test files (T1, T2), split in four so vitest spreads the
 * 1,000 drills over both cores. Any checker violation or lost acknowledged write fails the
 * test with the shrunk drill and the shortest history that shows it.
 */
import { expect, it } from 'vitest';
import { RANDOM_FAULT_KINDS } from '../../src/drill/drill-spec.ts';
import { runRandomDrills } from '../../src/drill/drills.ts';

/** Runs `count` seeded random drills from `firstSeed`: zero violations (C1–C6), zero lost acknowledged writes. */
export function randomDrills(firstSeed: number, count: number): void {
  it(`${count} random drills from seed ${firstSeed} (3–5 nodes, 2–4 clients, 1–5 faults, virtual time)`, async () => {
    const r = await runRandomDrills(count, firstSeed);
    const found = r.failures.map((f) =>
      [f.summary, `  smallest failing drill: ${JSON.stringify(f.shrunk?.spec)}`, ...f.witness.map((e) => `  ${JSON.stringify(e)}`)].join(
        '\n',
      ),
    );
    expect(found, found.join('\n\n')).toEqual([]);
    // The drills must really have exercised the cluster: traffic, and every fault kind.
    expect(r.acknowledged).toBeGreaterThan(count * 100);
    expect(Object.keys(r.faults).sort()).toEqual([...RANDOM_FAULT_KINDS].sort());
    process.stdout.write(
      `${count} random drills from seed ${firstSeed}: ${(r.wallMs / 1000).toFixed(1)} s wall, ${r.acknowledged} acknowledged operations, faults ${JSON.stringify(r.faults)}\n`,
    );
  }, 600_000);
}
