/**
 * `vaultlab bench` / `npm run bench`: throughput and latency of direct, forwarded and
 * redirected KV requests against a bare fastify ceiling, both AEAD engines, both
 * storages, then failover times; results as JSON, Markdown and an SVG chart.
 */
import { cpus, loadavg } from 'node:os';
import { LAB_TIMINGS } from '../src/ha/index.ts';
import { parseBenchArgs } from './bench-args.ts';
import type { ApiTls } from './cases.ts';
import { READ_CACHE } from './key-spaces.ts';
import { runFailover } from './failover.ts';
import { PORT_RANGES, rangeBase } from './port-base.ts';
import { endChildren, endChildrenOnExit } from './children.ts';
import { runProfiles } from './profiles.ts';
import { printTable, writeReport } from './report.ts';
import { summaries } from './summary.ts';
import { runThroughput, type PhaseLoad } from './throughput.ts';

/** Options of a benchmark run. */
export interface BenchOptions {
  quick?: boolean;
  /** Only these storages (default: memory when quick, else memory and level). */
  storages?: Array<'memory' | 'level'>;
  /** Only these cases, by name (default: all); failover and the profiles are skipped when set. */
  cases?: string[];
  /** Only these connection counts (default: each case's own, 10 and for some 1). */
  connections?: number[];
  durationSec?: number;
  /** The first of the bench's ports (default 0: any free ports); see port-base.ts. */
  portBase?: number;
  /** Serve the API in plain HTTP, over TLS, or both, each case measured in each mode back to back (default: off). */
  apiTls?: ApiTls[];
  outDir?: string;
  onProgress?: (line: string) => void;
}

/** Runs `fn` as one phase of the run, with the machine's load average at its start and end. */
async function phase<T>(name: string, load: PhaseLoad[], fn: () => Promise<T>): Promise<T> {
  const start = loadavg();
  const result = await fn();
  load.push({ phase: name, start, end: loadavg() });
  return result;
}

/** Runs the whole benchmark and writes the report; returns it. */
export async function runBench(o: BenchOptions = {}) {
  const quick = o.quick ?? false;
  const settings = {
    storages: o.storages ?? (quick ? ['memory'] : ['memory', 'level']),
    connections: o.connections ?? 'per case',
    reps: quick ? 1 : 5,
    durationSec: o.durationSec ?? (quick ? 0.5 : 2),
    warmupSec: quick ? 0.2 : 0.5,
    failoverRuns: quick ? 2 : 20,
    profileRuns: quick ? 2 : 20,
    lockTtlMs: LAB_TIMINGS.lockTtlMs,
    portBase: o.portBase ?? 0,
    apiTls: o.apiTls ?? ['off'],
    readCache: READ_CACHE,
  };
  const onProgress = o.onProgress ?? ((l: string) => process.stderr.write(`${l}\n`));
  const idle = loadavg();
  const throughput = await runThroughput({
    ...settings,
    connections: o.connections,
    storages: settings.storages as Array<'memory' | 'level'>,
    apiTls: settings.apiTls,
    cases: o.cases,
    onProgress,
  });
  const load: PhaseLoad[] = [{ phase: 'before the run', start: idle, end: idle }, ...throughput.load];
  const failoverPorts = rangeBase(settings.portBase, PORT_RANGES - 1);
  const failoverSamples = o.cases ? [] : await phase('failover', load, () => runFailover(settings.failoverRuns, onProgress, failoverPorts));
  const profiles = o.cases ? [] : await phase('timing profiles', load, () => runProfiles(settings.profileRuns, onProgress));
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
  const samples = throughput.samples;
  const report = {
    machine,
    settings,
    load,
    ...summaries(samples, failoverSamples, settings.lockTtlMs),
    profiles,
    samples,
    failoverSamples,
  };
  writeReport(o.outDir ?? 'bench/out', report);
  return report;
}

/** The command line: checks every flag first, ends every child on every way out, and says why a run failed. */
async function main(): Promise<number> {
  endChildrenOnExit();
  let options: ReturnType<typeof parseBenchArgs>;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const r = await runBench(options);
    const out = options.outDir;
    process.stdout.write(`\n${printTable(r)}\nResults: ${out}/results.json, ${out}/results.md, ${out}/ratios.svg\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    endChildren();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(await main());
