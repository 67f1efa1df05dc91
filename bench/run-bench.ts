/**
 * `vaultlab bench` / `npm run bench`: throughput and latency of direct, forwarded and
 * redirected KV requests against a bare fastify ceiling, both AEAD engines, both
 * storages, then failover times; results as JSON, Markdown and an SVG chart.
 */
import { cpus } from 'node:os';
import { LAB_TIMINGS } from '../src/ha/index.ts';
import { runFailover } from './failover.ts';
import { runProfiles } from './profiles.ts';
import { printTable, writeReport } from './report.ts';
import { summaries } from './summary.ts';
import { runThroughput } from './throughput.ts';

/** Options of a benchmark run. */
export interface BenchOptions {
  quick?: boolean;
  /** Only these storages (default: memory when quick, else memory and level). */
  storages?: Array<'memory' | 'level'>;
  /** Only these cases, by name (default: all); failover and the profiles are skipped when set. */
  cases?: string[];
  /** Connection counts (default 1 and 10). */
  connections?: number[];
  durationSec?: number;
  outDir?: string;
  onProgress?: (line: string) => void;
}

/** Runs the whole benchmark and writes the report; returns it. */
export async function runBench(o: BenchOptions = {}) {
  const quick = o.quick ?? false;
  const settings = {
    storages: o.storages ?? (quick ? ['memory'] : ['memory', 'level']),
    connections: o.connections ?? [1, 10],
    reps: quick ? 1 : 5,
    durationSec: o.durationSec ?? (quick ? 0.5 : 2),
    warmupSec: quick ? 0.2 : 0.5,
    failoverRuns: quick ? 2 : 20,
    profileRuns: quick ? 2 : 20,
    lockTtlMs: LAB_TIMINGS.lockTtlMs,
  };
  const onProgress = o.onProgress ?? ((l: string) => process.stderr.write(`${l}\n`));
  const samples = await runThroughput({
    ...settings,
    storages: settings.storages as Array<'memory' | 'level'>,
    cases: o.cases,
    onProgress,
  });
  const failoverSamples = o.cases ? [] : await runFailover(settings.failoverRuns, onProgress);
  const profiles = o.cases ? [] : await runProfiles(settings.profileRuns, onProgress);
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
  const report = {
    machine,
    settings,
    ...summaries(samples, failoverSamples, settings.lockTtlMs),
    profiles,
    samples,
    failoverSamples,
  };
  writeReport(o.outDir ?? 'bench/out', report);
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const connections = arg('connections')?.split(',').map(Number);
  const duration = arg('duration');
  const out = arg('out') ?? 'bench/out';
  const storages = arg('storages')?.split(',') as Array<'memory' | 'level'> | undefined;
  const cases = arg('cases')?.split(',');
  const r = await runBench({
    quick: process.argv.includes('--quick'),
    outDir: out,
    connections,
    durationSec: duration ? Number(duration) : undefined,
    storages,
    cases,
  });
  process.stdout.write(`\n${printTable(r)}\nResults: ${out}/results.json, ${out}/results.md, ${out}/ratios.svg\n`);
}
