/**
 * A child process that plays one batch of seeded random drills (virtual time, fencing on) and
 * sends the parent its own CPU time and wall time for the batch, with every seed's outcome.
 * Hashing each history for the outcome is timed apart and taken out of the CPU figure, so the
 * figure is what the drills cost.
 * Usage: node --import tsx bench/scaling/drill-batch.ts FIRST_SEED COUNT
 */
import { performance } from 'node:perf_hooks';
import { runRandomDrills, type DrillResult } from '../../src/drill/index.ts';
import { outcomeOf, type DrillOutcome } from './drill-outcome.ts';

/** What the batch reports. */
export interface DrillBatchResult {
  type: 'drills';
  firstSeed: number;
  count: number;
  cpuMs: number;
  wallMs: number;
  acknowledged: number;
  failures: number;
  outcomes: DrillOutcome[];
}

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const [firstSeed, count] = process.argv.slice(2).map(Number);
if (!Number.isInteger(firstSeed) || !Number.isInteger(count) || count < 1) {
  process.stderr.write('usage: drill-batch.ts FIRST_SEED COUNT\n');
  process.exit(2);
}
const outcomes: DrillOutcome[] = [];
let digestMicros = 0;
let digestMs = 0;
const onDrill = (r: DrillResult) => {
  const c0 = cpuMicros();
  const w0 = performance.now();
  outcomes.push(outcomeOf(r));
  digestMicros += cpuMicros() - c0;
  digestMs += performance.now() - w0;
};
const wall0 = performance.now();
const cpu0 = cpuMicros();
const report = await runRandomDrills(count, firstSeed, { onDrill, shrink: false });
const result: DrillBatchResult = {
  type: 'drills',
  firstSeed,
  count,
  cpuMs: (cpuMicros() - cpu0 - digestMicros) / 1000,
  wallMs: performance.now() - wall0 - digestMs,
  acknowledged: report.acknowledged,
  failures: report.failures.length,
  outcomes,
};
// Run by hand (to profile it) it has no parent to answer: the figures go to stdout.
if (process.send) {
  process.send(result);
  process.disconnect();
} else process.stdout.write(`${JSON.stringify({ ...result, outcomes: result.outcomes.length })}\n`);
