/**
 * From samples to what people read: per-case medians (and min–max) over repetitions,
 * the ratios computed inside each repetition and then summarised, and each target (the
 * README's performance table) marked pass or miss. Nothing here is ever asserted by a test.
 */
import type { ApiTls } from './cases.ts';
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
export function spread(xs: readonly number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return { median: NaN, min: NaN, max: NaN };
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s.at(-1)! };
}

/** A sample's API TLS mode: sets written before the API could be served over TLS measured it plain. */
const apiTlsOf = (s: { apiTls?: ApiTls }): ApiTls => s.apiTls ?? 'off';

/** How a storage and TLS mode are named in a ratio or a row: "memory", or "memory, API TLS". */
export const scopeName = (storage: string, tls: ApiTls) => (tls === 'on' ? `${storage}, API TLS` : storage);

function pick(samples: Sample[], storage: string, tls: ApiTls, name: string, conns: number, rep: number): Sample | undefined {
  return samples.find((s) => s.storage === storage && apiTlsOf(s) === tls && s.case === name && s.connections === conns && s.rep === rep);
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

/** The read cache's hit rate over a case's windows (hits ÷ lookups), or undefined where the server had no cache. */
function hitRate(xs: Sample[]): Spread | undefined {
  const rates = xs.flatMap((x) => (x.cache && x.cache.hits + x.cache.misses > 0 ? [x.cache.hits / (x.cache.hits + x.cache.misses)] : []));
  return rates.length ? spread(rates) : undefined;
}

/** Per (storage, API TLS mode, case, connections): medians of req/s, p50, p99, CPU, and the read cache's hit rate. */
export function caseTable(samples: Sample[]) {
  const keys = [...new Set(samples.map((s) => `${s.storage}|${apiTlsOf(s)}|${s.case}|${s.connections}`))];
  return keys.map((k) => {
    const [storage, tls, name, c] = k.split('|');
    const xs = samples.filter((s) => s.storage === storage && apiTlsOf(s) === tls && s.case === name && s.connections === Number(c));
    return {
      storage,
      apiTls: tls as ApiTls,
      case: name,
      connections: Number(c),
      reqPerSec: spread(xs.map((x) => x.reqPerSec)),
      latency: latencySpread(xs.map((x) => x.latency)),
      cpuUsPerReq: spread(xs.map((x) => x.cpuUsPerReq)),
      cacheHitRate: hitRate(xs),
      errors: xs.reduce((a, x) => a + x.errors, 0),
    };
  });
}

/** One row of the case table. */
export type CaseRow = ReturnType<typeof caseTable>[number];

/** One ratio as taken inside a repetition (undefined where a case was not measured), with its target. */
interface RatioOf {
  name: string;
  of(rep: number): number | undefined;
  target?: Target;
}

/** What a ratio is built from: a case's req/s, and its c1 latency in µs, on a storage with the API over TLS or not. */
interface Figures {
  rps(storage: string, tls: ApiTls, name: string, connections: number, rep: number): number | undefined;
  us(storage: string, tls: ApiTls, name: string, which: 'p50' | 'p99', rep: number): number | undefined;
}

const div = (a?: number, b?: number) => (a !== undefined && b ? a / b : undefined);
const sub = (a?: number, b?: number) => (a !== undefined && b !== undefined ? a - b : undefined);

/**
 * The hop's figures: forwarded and redirected reads against the direct read, as ratios at c10 and added µs at c1.
 * Each is reported with the API in plain HTTP and over TLS, side by side; the targets are judged on plain HTTP.
 */
export const HOP_MEASURES = [
  'forwarded / direct read (c10)',
  'redirected / direct read (c10, same client)',
  'forwarded − direct read p50 µs (c1)',
  'forwarded − direct read p99 µs (c1)',
  'redirected − direct read p50 µs (c1)',
  'redirected − direct read p99 µs (c1)',
] as const;

/**
 * The ratios inside one storage and API TLS mode. Forwarding and redirects are measured on the Zipf reads, and
 * compared with the direct Zipf read. The targets hold for plain HTTP; over TLS the same ratios are reported only.
 */
function storageRatios(st: string, tls: ApiTls, { rps, us }: Figures): RatioOf[] {
  const c10 = (a: string, b: string) => (r: number) => div(rps(st, tls, a, 10, r), rps(st, tls, b, 10, r));
  const delta =
    (a: string, which: 'p50' | 'p99', b = 'read-zipf') =>
    (r: number) =>
      sub(us(st, tls, a, which, r), us(st, tls, b, which, r));
  const memory = st === 'memory';
  const [fwdC10, redirC10, fwdP50, fwdP99, redirP50, redirP99] = HOP_MEASURES;
  const ratios: RatioOf[] = [
    { name: 'KV read uniform / baseline (c10)', of: c10('read-uniform', 'baseline'), target: memory ? atLeast(0.4) : undefined },
    { name: 'KV read Zipf / baseline (c10)', of: c10('read-zipf', 'baseline'), target: memory ? atLeast(0.4) : undefined },
    { name: 'KV read uncached / baseline (c10)', of: c10('read-uncached', 'baseline') },
    { name: 'KV write, 1,000 keys / baseline (c10)', of: c10('write', 'baseline'), target: memory ? atLeast(0.15) : atLeast(0.12) },
    { name: fwdC10, of: c10('read-forwarded', 'read-zipf'), target: atLeast(0.85) },
    { name: redirC10, of: c10('read-redirected', 'read-zipf-micro'), target: atLeast(0.75) },
    { name: fwdP50, of: delta('read-forwarded', 'p50'), target: atMostUs(50) },
    { name: fwdP99, of: delta('read-forwarded', 'p99'), target: atMostUs(300) },
    { name: redirP50, of: delta('read-redirected', 'p50'), target: atMostUs(150) },
    { name: redirP99, of: delta('read-redirected', 'p99') },
    { name: 'KV read Zipf − baseline p50 µs (c1)', of: delta('read-zipf', 'p50', 'baseline') },
    { name: 'forwarded / direct write (c10)', of: c10('write-forwarded', 'write') },
    { name: 'transit encrypt / KV write (c10)', of: c10('transit-encrypt', 'write') },
    { name: 'cached / uncached KV read, uniform (c10)', of: c10('read-uniform', 'read-uncached') },
    { name: 'noble / node:crypto read, both uncached (c10)', of: c10('read-noble', 'read-uncached') },
  ];
  return ratios.map((x) => ({ ...x, name: `${scopeName(st, tls)}: ${x.name}`, target: tls === 'off' ? x.target : undefined }));
}

/** What TLS on the API costs a read, direct and forwarded: each pair measured seconds apart (schedule.ts). */
function tlsCostRatios(st: string, { rps, us }: Figures): RatioOf[] {
  const onOverOff = (name: string) => (r: number) => div(rps(st, 'on', name, 10, r), rps(st, 'off', name, 10, r));
  const onMinusOff = (name: string) => (r: number) => sub(us(st, 'on', name, 'p50', r), us(st, 'off', name, 'p50', r));
  return [
    { name: `${st}: direct read, API TLS on / off (c10)`, of: onOverOff('read-zipf') },
    { name: `${st}: forwarded read, API TLS on / off (c10)`, of: onOverOff('read-forwarded') },
    { name: `${st}: direct read p50, API TLS on − off µs (c1)`, of: onMinusOff('read-zipf') },
    { name: `${st}: forwarded read p50, API TLS on − off µs (c1)`, of: onMinusOff('read-forwarded') },
  ];
}

/** level's fsync cost, and level against memory when the run measured both (interleaved, so each pair is seconds apart). */
function levelRatios(storages: string[], { rps }: Figures): RatioOf[] {
  const out: RatioOf[] = [];
  if (storages.includes('level')) {
    // One writer waits for its own fsync; ten share one (LevelDB commits a group of writers per log sync).
    for (const c of [1, 10])
      out.push({
        name: `level: sync / no sync KV write (c${c})`,
        of: (r) => div(rps('level', 'off', 'write-synced', c, r), rps('level', 'off', 'write', c, r)),
      });
  }
  if (storages.includes('level') && storages.includes('memory')) {
    const levelOverMemory = (name: string) => (r: number) => div(rps('level', 'off', name, 10, r), rps('memory', 'off', name, 10, r));
    out.push(
      { name: 'level / memory KV read uniform (c10)', of: levelOverMemory('read-uniform'), target: atLeast(0.85) },
      { name: 'level / memory KV read Zipf (c10)', of: levelOverMemory('read-zipf'), target: atLeast(0.85) },
      { name: 'level / memory KV read uncached (c10)', of: levelOverMemory('read-uncached'), target: atLeast(0.85) },
      { name: 'level / memory KV write, 1,000 keys (c10)', of: levelOverMemory('write') },
    );
  }
  return out;
}

/** Ratios within each repetition, summarised, with targets. */
export function ratios(samples: Sample[]): Ratio[] {
  const reps = [...new Set(samples.map((s) => s.rep))];
  const storages = [...new Set(samples.map((s) => s.storage))];
  const modes = [...new Set(samples.map(apiTlsOf))].sort();
  const figures: Figures = {
    rps: (st, tls, n, c, r) => pick(samples, st, tls, n, c, r)?.reqPerSec,
    // Latency deltas only from µs figures: a difference of autocannon's whole milliseconds would say nothing about µs.
    us: (st, tls, n, which, r) => microseconds(pick(samples, st, tls, n, 1, r)?.latency, which),
  };
  const all = [
    ...storages.flatMap((st) => modes.flatMap((tls) => storageRatios(st, tls, figures))),
    ...(modes.length > 1 ? storages.flatMap((st) => tlsCostRatios(st, figures)) : []),
    ...levelRatios(storages, figures),
  ];
  return all.map(({ name, of, target }) => {
    const xs = reps.map(of).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const s = spread(xs);
    return {
      name,
      ...s,
      target: target?.label,
      targetValue: target?.value,
      pass: target && xs.length ? target.meets(s.median) : undefined,
    };
  });
}

/** Failover medians, p95 and max per kind, with targets (TTL of the fast profile: 1,000 ms). */
export function failoverTable(samples: FailoverSample[], lockTtlMs: number) {
  return (['step-down', 'seal', 'kill'] as const).map((kind) => {
    const runs = samples.filter((s) => s.kind === kind);
    const xs = runs.map((s) => s.ms).sort((a, b) => a - b);
    const p95 = xs.length ? xs[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)] : NaN;
    const { median, max } = spread(xs);
    const target = kind === 'kill' ? `max ≤ TTL + 50 ms (${lockTtlMs + 50} ms)` : 'p50 ≤ 20 ms, max ≤ 100 ms';
    const pass = kind === 'kill' ? max <= lockTtlMs + 50 : median <= 20 && max <= 100;
    return {
      kind,
      runs: xs.length,
      median,
      p95,
      max,
      clientErrors: runs.reduce((a, s) => a + s.clientErrors, 0),
      target,
      pass,
    };
  });
}

/** One row of the failover table. */
export type FailoverRow = ReturnType<typeof failoverTable>[number];

/** One of the hop's figures on one storage, with the API in plain HTTP and over TLS (undefined where that mode was not measured). */
export interface HopRow {
  storage: string;
  measure: (typeof HOP_MEASURES)[number];
  off?: Ratio;
  on?: Ratio;
}

/** The hop's figures side by side, TLS off and on, for every storage where either was measured. */
function hopTable(rs: Ratio[], storages: string[]): HopRow[] {
  const find = (name: string) => rs.find((x) => x.name === name && Number.isFinite(x.median));
  return storages.flatMap((st) =>
    HOP_MEASURES.map((measure) => ({
      storage: st,
      measure,
      off: find(`${scopeName(st, 'off')}: ${measure}`),
      on: find(`${scopeName(st, 'on')}: ${measure}`),
    })).filter((row) => row.off || row.on),
  );
}

/** Every summary a report shows, derived from its samples: after a run, and again when a report is rewritten from results.json. */
export function summaries(samples: Sample[], failoverSamples: FailoverSample[], lockTtlMs: number) {
  const rs = ratios(samples);
  return {
    cases: caseTable(samples),
    ratios: rs,
    hop: hopTable(rs, [...new Set(samples.map((s) => s.storage))]),
    failover: failoverTable(failoverSamples, lockTtlMs),
  };
}
