/**
 * Latency figures carry their unit. The µs client times each request with performance.now();
 * autocannon's histogram records whole milliseconds (a 0.7 ms request is recorded as 0), so its
 * figures stay in ms with that resolution beside them and are never relabelled as µs.
 */
import type { Spread } from './summary.ts';

/** One measurement's latency percentiles, in the unit of the client that took them. */
export type Latency = { unit: 'µs'; p50: number; p99: number } | { unit: 'ms'; resolution_ms: number; p50: number; p99: number };

/** Latency percentiles summarised over repetitions, still in the client's unit. */
export type LatencySpread = { unit: 'µs'; p50: Spread; p99: Spread } | { unit: 'ms'; resolution_ms: number; p50: Spread; p99: Spread };

/** Which unit a latency is in, and for whole ms, how fine its steps are. */
export type LatencyUnit = { unit: 'µs' } | { unit: 'ms'; resolution_ms: number };

/** autocannon truncates every latency to a whole millisecond before it enters its histogram. */
export const AUTOCANNON_RESOLUTION_MS = 1;

/**
 * One figure with its unit. A truncated ms figure below the resolution means "under one step",
 * so it reads "< 1 ms", not "0 ms".
 */
export function formatLatency(value: number, l: LatencyUnit): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (l.unit === 'µs') return `${value.toFixed(0)} µs`;
  if (value < l.resolution_ms) return `< ${l.resolution_ms} ms`;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ms`;
}

/** Which client measured, and how finely: "µs client" or "autocannon, 1 ms resolution". */
export function latencySource(l: LatencyUnit): string {
  return l.unit === 'µs' ? 'µs client' : `autocannon, ${l.resolution_ms} ms resolution`;
}

/** A p50 or p99 in µs, or undefined when the client only resolved whole ms (a µs delta from those would be noise). */
export function microseconds(l: Latency | undefined, which: 'p50' | 'p99'): number | undefined {
  return l?.unit === 'µs' ? l[which] : undefined;
}
