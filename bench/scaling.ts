/**
 * Scaling figures in one run: forwarded reads spread over the standbys of 3, 5 and 7 nodes
 * against direct reads (A B A B), the server's RSS idle and under load, `vaultlab up` time to
 * three unsealed nodes, and what 1,000 random drills cost in wall and CPU time. Results go to
 * results.json and results.md in the output directory (default bench/out-scaling), progress to stderr.
 *
 *   npm run build && node --import tsx bench/scaling.ts [--quick] [--out=DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { endChildrenOnExit } from './children.ts';
import { measureDrills } from './scaling/drill-cost.ts';
import { runNodeScaling } from './scaling/node-scaling.ts';
import { parseScalingArgs } from './scaling/scaling-options.ts';
import { scalingMarkdown } from './scaling/scaling-markdown.ts';
import type { Phase, ScalingResults } from './scaling/scaling-results.ts';
import { measureUpTime } from './scaling/up-time.ts';

const progress = (line: string) => process.stderr.write(`${line}\n`);

/** Runs `fn` as a named phase, noting the load average around it. */
async function phase<T>(phases: Phase[], name: string, fn: () => Promise<T>): Promise<T> {
  const loadBefore = loadavg()[0];
  const t0 = performance.now();
  progress(`== ${name}`);
  const result = await fn();
  phases.push({ name, loadBefore, loadAfter: loadavg()[0], seconds: (performance.now() - t0) / 1000 });
  return result;
}

async function main(): Promise<number> {
  endChildrenOnExit();
  let o;
  try {
    o = parseScalingArgs(process.argv.slice(2), fileURLToPath(new URL('./out-scaling', import.meta.url)));
  } catch (e) {
    progress((e as Error).message);
    return 2;
  }
  const started = performance.now();
  const phases: Phase[] = [];
  const nodes = await phase(phases, 'nodes', () => runNodeScaling({ ...o, onProgress: progress }));
  const up = await phase(phases, 'up', () => measureUpTime(o.upRuns, 3, progress));
  const { outcomes, ...drills } = await phase(phases, 'drills', () => measureDrills(o.drillBatches, o.drillJobs, progress));
  const { out, drillJobs: _jobs, ...settings } = o;
  const cpu = cpus();
  const results: ScalingResults = {
    machine: { cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', node: process.version },
    settings,
    phases,
    nodes,
    up,
    drills,
    elapsedSec: (performance.now() - started) / 1000,
  };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(out, 'drill-outcomes.json'), JSON.stringify(outcomes) + '\n');
  writeFileSync(join(out, 'results.md'), scalingMarkdown(results));
  progress(`wrote ${join(out, 'results.json')}, results.md and drill-outcomes.json in ${Math.round(results.elapsedSec)} s`);
  return 0;
}

process.exitCode = await main();
