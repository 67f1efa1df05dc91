/**
 * From samples to what people read: per-case medians (and min–max) over repetitions,
 * the ratios computed inside each repetition and then summarised, and each target (the
 * README's performance table) marked pass or miss. Nothing here is ever asserted by a test.
 */
import type { FailoverSample } from './failover.ts';
import { microseconds, type Latency, type LatencySpread } from './latency.ts';
import type { Sample } from './throughput.ts';

/** A median with its range. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** One ratio and whether it meets its target. */
export interface Ratio extends Spread {
  name: string;
  /** The target as people read it: "≥ 0.40", "≤ +100 µs". */
  target?: string;
  /** The target's threshold in the ratio's own terms, for the chart's target mark. */
  targetValue?: number;
  pass?: boolean;
}

/** A target: its wording, its threshold and the test against it. */
interface Target {
  label: string;
  value: number;
  meets(v: number): boolean;
}

const atLeast = (min: number): Target => ({ label: `≥ ${min.toFixed(2)}`, value: min, meets: (v) => v >= min });
const atMostUs = (max: number): Target => ({ label: `≤ +${max} µs`, value: max, meets: (v) => v <= max });

/** Median, min and max of a sample (NaN for none). */
export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return { median: NaN, min: NaN, max: NaN };
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s.at(-1)! };
}

function pick(samples: Sample[], storage: string, name: string, conns: number, rep: number): Sample | undefined {
  return samples.find((s) => s.storage === storage && s.case === name && s.connections === conns && s.rep === rep);
}

/**
 * The latency of one case over its repetitions, in the unit its client measured. A case is
 * measured by one client, so one unit; a mix would mean a bug in the cases, never a figure to convert.
 */
export function latencySpread(ls: Latency[]): LatencySpread {
  const first = ls[0];
  if (!first) return { unit: 'µs', p50: spread([]), p99: spread([]) };
  if (ls.some((l) => l.unit !== first.unit)) throw new Error(`one case measured in ${[...new Set(ls.map((l) => l.unit))].join(' and ')}`);
  const p50 = spread(ls.map((l) => l.p50));
  const p99 = spread(ls.map((l) => l.p99));
  return first.unit === 'µs' ? { unit: 'µs', p50, p99 } : { unit: 'ms', resolution_ms: first.resolution_ms, p50, p99 };
}

/** Per (storage, case, connections): medians of req/s, p50, p99, CPU. */
export function caseTable(samples: Sample[]) {
  const keys = [...new Set(samples.map((s) => `${s.storage}|${s.case}|${s.connections}`))];
  return keys.map((k) => {
    const [storage, name, c] = k.split('|');
    const xs = samples.filter((s) => s.storage === storage && s.case === name && s.connections === Number(c));
    return {
      storage,
      case: name,
      connections: Number(c),
      reqPerSec: spread(xs.map((x) => x.reqPerSec)),
      latency: latencySpread(xs.map((x) => x.latency)),
      cpuUsPerReq: spread(xs.map((x) => x.cpuUsPerReq)),
      errors: xs.reduce((a, x) => a + x.errors, 0),
    };
  });
}

/** One row of the case table. */
export type CaseRow = ReturnType<typeof caseTable>[number];

/** Ratios within each repetition, summarised, with targets. */
export function ratios(samples: Sample[]): Ratio[] {
  const reps = [...new Set(samples.map((s) => s.rep))];
  const storages = [...new Set(samples.map((s) => s.storage))];
  const out: Ratio[] = [];
  const ratio = (name: string, f: (rep: number) => number | undefined, target?: Target) => {
    const xs = reps.map(f).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const s = spread(xs);
    out.push({
      name,
      ...s,
      target: target?.label,
      targetValue: target?.value,
      pass: target && xs.length ? target.meets(s.median) : undefined,
    });
  };
  const rps = (st: string, n: string, c: number, r: number) => pick(samples, st, n, c, r)?.reqPerSec;
  // Latency deltas only from µs figures: a difference of autocannon's whole milliseconds would say nothing about µs.
  const p50 = (st: string, n: string, r: number) => microseconds(pick(samples, st, n, 1, r)?.latency, 'p50');
  const p99 = (st: string, n: string, r: number) => microseconds(pick(samples, st, n, 1, r)?.latency, 'p99');
  const div = (a?: number, b?: number) => (a !== undefined && b ? a / b : undefined);
  const sub = (a?: number, b?: number) => (a !== undefined && b !== undefined ? a - b : undefined);
  for (const st of storages) {
    ratio(
      `${st}: KV read / baseline (c10)`,
      (r) => div(rps(st, 'read-direct', 10, r), rps(st, 'baseline', 10, r)),
      st === 'memory' ? atLeast(0.4) : undefined,
    );
    ratio(
      `${st}: KV write / baseline (c10)`,
      (r) => div(rps(st, 'write-direct', 10, r), rps(st, 'baseline', 10, r)),
      st === 'memory' ? atLeast(0.25) : atLeast(0.2),
    );
    ratio(
      `${st}: forwarded / direct read (c10)`,
      (r) => div(rps(st, 'read-forwarded', 10, r), rps(st, 'read-direct', 10, r)),
      atLeast(0.6),
    );
    ratio(
      `${st}: redirected / direct read (c10, same client)`,
      (r) => div(rps(st, 'read-redirected', 10, r), rps(st, 'read-direct-micro', 10, r)),
      atLeast(0.75),
    );
    ratio(`${st}: forwarded − direct read p50 µs (c1)`, (r) => sub(p50(st, 'read-forwarded', r), p50(st, 'read-direct', r)), atMostUs(100));
    ratio(`${st}: forwarded − direct read p99 µs (c1)`, (r) => sub(p99(st, 'read-forwarded', r), p99(st, 'read-direct', r)), atMostUs(300));
    ratio(
      `${st}: redirected − direct read p50 µs (c1)`,
      (r) => sub(p50(st, 'read-redirected', r), p50(st, 'read-direct', r)),
      atMostUs(150),
    );
    ratio(`${st}: cached / uncached KV read (c10)`, (r) => div(rps(st, 'read-direct', 10, r), rps(st, 'read-direct-uncached', 10, r)));
    ratio(`${st}: noble / node:crypto read, both uncached (c10)`, (r) =>
      div(rps(st, 'read-direct-noble', 10, r), rps(st, 'read-direct-uncached', 10, r)),
    );
  }
  if (storages.includes('level')) {
    // One writer waits for its own fsync; ten share one (LevelDB commits a group of writers per log sync).
    for (const c of [1, 10])
      ratio(`level: sync / no sync KV write (c${c})`, (r) =>
        div(rps('level', 'write-direct-synced', c, r), rps('level', 'write-direct', c, r)),
      );
  }
  if (storages.includes('level') && storages.includes('memory')) {
    ratio(
      'level / memory KV read (c10)',
      (r) => div(rps('level', 'read-direct', 10, r), rps('memory', 'read-direct', 10, r)),
      atLeast(0.85),
    );
    ratio(
      'level / memory KV read, uncached (c10)',
      (r) => div(rps('level', 'read-direct-uncached', 10, r), rps('memory', 'read-direct-uncached', 10, r)),
      atLeast(0.85),
    );
  }
  return out;
}

/** Failover medians, p95 and max per kind, with targets (TTL of the fast profile: 1,000 ms). */
export function failoverTable(samples: FailoverSample[], lockTtlMs: number) {
  return (['step-down', 'seal', 'kill'] as const).map((kind) => {
    const xs = samples
      .filter((s) => s.kind === kind)
      .map((s) => s.ms)
      .sort((a, b) => a - b);
    const p95 = xs.length ? xs[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)] : NaN;
    const median = spread(xs).median;
    const max = xs.at(-1) ?? NaN;
    const target = kind === 'kill' ? `max ≤ TTL + 50 ms (${lockTtlMs + 50} ms)` : 'p50 ≤ 20 ms, max ≤ 100 ms';
    const pass = kind === 'kill' ? max <= lockTtlMs + 50 : median <= 20 && max <= 100;
    return {
      kind,
      runs: xs.length,
      median,
      p95,
      max,
      clientErrors: samples.filter((s) => s.kind === kind).reduce((a, s) => a + s.clientErrors, 0),
      target,
      pass,
    };
  });
}
