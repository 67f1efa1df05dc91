/**
 * Rewrites a result set's results.md and ratios.svg (and results.json's summaries) from the samples
 * in its results.json, without measuring again:
 *   node --import tsx bench/rewrite-report.ts bench/results
 * Samples written before latencies carried their unit (p50Us/p99Us, with autocannon's whole
 * milliseconds multiplied by 1000) get it back from the case definitions: figures of the µs client
 * stay µs, autocannon's return to ms at its 1 ms resolution.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUTOCANNON_RESOLUTION_MS, type Latency } from './latency.ts';
import { writeReport } from './report.ts';
import { summaries } from './summary.ts';
import type { Sample } from './throughput.ts';

/** A sample as results.json held it before latencies carried their unit. */
export type LegacySample = Omit<Sample, 'latency'> & { p50Us: number; p99Us: number };

/**
 * The cases the bench had when it wrote such sets, which the µs client measured at 10 connections
 * (at 1 connection it measured every case); autocannon measured the rest.
 */
const LEGACY_MICRO_CASES = ['read-redirected', 'write-redirected', 'read-direct-micro'];

/** A sample with its latency in the unit its client measured. */
export function withLatencyUnit(s: Sample | LegacySample): Sample {
  if ('latency' in s) return s;
  const { p50Us, p99Us, ...rest } = s;
  const latency: Latency =
    s.connections === 1 || LEGACY_MICRO_CASES.includes(s.case)
      ? { unit: 'µs', p50: p50Us, p99: p99Us }
      : { unit: 'ms', resolution_ms: AUTOCANNON_RESOLUTION_MS, p50: p50Us / 1000, p99: p99Us / 1000 };
  return { ...rest, latency };
}

/** Reads `dir`/results.json and writes the report again from its samples. */
export function rewriteReport(dir: string): void {
  const old = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  if (!Array.isArray(old.samples)) throw new Error(`${join(dir, 'results.json')} holds no samples to rebuild the report from`);
  const samples = (old.samples as Array<Sample | LegacySample>).map(withLatencyUnit);
  writeReport(dir, { ...old, ...summaries(samples, old.failoverSamples, old.settings.lockTtlMs), samples });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node --import tsx bench/rewrite-report.ts <result dir holding results.json>\n');
    process.exit(2);
  }
  rewriteReport(dir);
  process.stdout.write(`Rewrote ${dir}/results.json, ${dir}/results.md and ${dir}/ratios.svg from its samples\n`);
}
