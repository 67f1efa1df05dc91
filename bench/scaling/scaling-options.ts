/** The flags of bench/scaling.ts: `--quick` for a smoke run, `--out=DIR`, and the two presets. */
import type { ScalingResults } from './scaling-results.ts';

/** A run's settings and where it writes. */
export type ScalingOptions = ScalingResults['settings'] & { out: string; drillJobs: number };

const FULL = {
  nodeCounts: [3, 5, 7],
  connections: 10,
  reps: 3,
  durationSec: 2,
  warmupSec: 0.5,
  upRuns: 5,
  drillBatches: [1, 251, 501, 751].map((firstSeed) => ({ firstSeed, count: 250 })),
};

/** Small enough for a test: two cluster sizes, one short repeat, one `up`, a few drills. */
const QUICK = {
  nodeCounts: [3, 5],
  connections: 10,
  reps: 1,
  durationSec: 0.3,
  warmupSec: 0.1,
  upRuns: 1,
  drillBatches: [
    { firstSeed: 1, count: 3 },
    { firstSeed: 251, count: 3 },
  ],
};

/** The settings for a command line; an unknown flag is refused, naming the known ones. */
export function parseScalingArgs(args: readonly string[], defaultOut: string): ScalingOptions {
  let quick = false;
  let out = defaultOut;
  for (const a of args) {
    if (a === '--quick') quick = true;
    else if (a.startsWith('--out=') && a.length > '--out='.length) out = a.slice('--out='.length);
    else throw new Error(`unknown argument ${JSON.stringify(a)} (known: --quick, --out=DIR)`);
  }
  return { quick, out, drillJobs: 2, ...(quick ? QUICK : FULL) };
}
