/**
 * What 1,000 random drills cost: the test suite's four batches of 250 (seeds 1, 251, 501, 751),
 * each in its own child process as vitest runs them, two at a time on a 2-core machine. CPU is
 * the sum of the children's own CPU time; wall is from the first fork to the last answer.
 * Run alone it writes every seed's outcome, so a change to the drill machinery can be checked
 * against the outcomes from before it:
 *   node --import tsx bench/scaling/drill-cost.ts [--jobs=2] [--out=FILE] [--compare=FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { endChildrenOnExit, forkTs, nextMessage } from '../children.ts';
import type { DrillBatchResult } from './drill-batch.ts';
import { outcomeDifferences, type DrillOutcome } from './drill-outcome.ts';
import type { DrillCostFigures } from './scaling-results.ts';

/** The batches the random-drill tests run. */
export const TEST_BATCHES: ReadonlyArray<{ firstSeed: number; count: number }> = [1, 251, 501, 751].map((firstSeed) => ({
  firstSeed,
  count: 250,
}));

/** The cost of a set of drill batches, with every seed's outcome. */
export interface DrillCost extends DrillCostFigures {
  outcomes: DrillOutcome[];
}

/** Plays one batch in a child process; rejects if the child dies without answering. */
function runBatch(firstSeed: number, count: number): Promise<DrillBatchResult> {
  const child = forkTs(fileURLToPath(new URL('./drill-batch.ts', import.meta.url)), [String(firstSeed), String(count)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return nextMessage<DrillBatchResult>(child, 'drills', `the drill batch from seed ${firstSeed}`);
}

/** Plays the batches, `jobs` child processes at a time, and adds up what they cost. */
export async function measureDrills(
  batches: ReadonlyArray<{ firstSeed: number; count: number }>,
  jobs: number,
  onProgress: (line: string) => void = () => undefined,
): Promise<DrillCost> {
  const queue = [...batches];
  const results: DrillBatchResult[] = [];
  const wall0 = performance.now();
  const worker = async () => {
    for (let b = queue.shift(); b; b = queue.shift()) {
      const r = await runBatch(b.firstSeed, b.count);
      results.push(r);
      onProgress(
        `drills from seed ${r.firstSeed}: ${r.count} in ${(r.wallMs / 1000).toFixed(1)} s wall, ${(r.cpuMs / 1000).toFixed(1)} s CPU`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  const sum = (f: (r: DrillBatchResult) => number) => results.reduce((n, r) => n + f(r), 0);
  return {
    drills: sum((r) => r.count),
    jobs,
    wallMs: performance.now() - wall0,
    cpuMs: sum((r) => r.cpuMs),
    acknowledged: sum((r) => r.acknowledged),
    failures: sum((r) => r.failures),
    outcomes: results.flatMap((r) => r.outcomes).sort((a, b) => a.seed - b.seed),
  };
}

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  endChildrenOnExit();
  const cost = await measureDrills(TEST_BATCHES, Number(arg('jobs') ?? 2), (l) => process.stderr.write(`${l}\n`));
  const { outcomes, ...figures } = cost;
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  const out = arg('out');
  if (out) writeFileSync(out, JSON.stringify(cost, null, 1) + '\n');
  const compare = arg('compare');
  if (compare) {
    const before = (JSON.parse(readFileSync(compare, 'utf8')) as DrillCost).outcomes;
    const diff = outcomeDifferences(before, outcomes);
    process.stdout.write(
      diff.length
        ? `${diff.length} seeds differ:\n${diff.slice(0, 20).join('\n')}\n`
        : `all ${outcomes.length} seeds have the same outcome\n`,
    );
    if (diff.length) process.exitCode = 1;
  }
}
