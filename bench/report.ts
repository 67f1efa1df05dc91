/** Writing results: JSON (every sample plus summaries), a Markdown table, and an SVG bar chart of the ratios. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASES } from './cases.ts';
import { READ_CACHE, READ_KEYS, WRITE_KEYS, ZIPF_S } from './key-spaces.ts';
import { formatLatency, latencySource } from './latency.ts';
import { markdownTable } from './markdown.ts';
import type { ProfileRow } from './profiles.ts';
import { svgChart } from './ratio-chart.ts';
import { scopeName, type CaseRow, type FailoverRow, type HopRow, type Ratio, type Spread } from './summary.ts';
import type { PhaseLoad } from './throughput.ts';

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
/** A run limited to some cases (`--cases`) leaves the other ratios without data: they are left out, not marked missed. */
const measured = (x: Ratio) => Number.isFinite(x.median);

/** What the Markdown report and the console table are written from. */
export interface ReportData {
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  cases: CaseRow[];
  ratios: Ratio[];
  /** The hop's figures, API TLS off and on side by side (absent from sets written before it was reported). */
  hop?: HopRow[];
  failover: FailoverRow[];
  profiles: ProfileRow[];
  /** The machine's load average per phase (absent from sets written before it was recorded). */
  load?: PhaseLoad[];
  /** Paragraphs written into results.json by whoever committed the set (how the machine was shared, a profile): kept when the report is rewritten. */
  notes?: string[];
}

/** pass or miss, louder on the console where a miss must stand out among the figures. */
const verdict = (pass: boolean | undefined, miss = 'miss') => (pass ? 'pass' : miss);

/** The read cache's hit rate as a median percentage with its range; empty where the server had no cache. */
const hitRateCell = (h: Spread | undefined) => (h ? `${f(100 * h.median)} % [${f(100 * h.min)}–${f(100 * h.max)}]` : '');

const caseCells = (c: CaseRow) => [
  scopeName(c.storage, c.apiTls),
  c.case,
  String(c.connections),
  `${f(c.reqPerSec.median)} [${f(c.reqPerSec.min)}–${f(c.reqPerSec.max)}]`,
  formatLatency(c.latency.p50.median, c.latency),
  formatLatency(c.latency.p99.median, c.latency),
  latencySource(c.latency),
  f(c.cpuUsPerReq.median, 1),
  hitRateCell(c.cacheHitRate),
  String(c.errors),
];

const ratioCells = (x: Ratio) => [
  x.name,
  f(x.median, 2),
  `${f(x.min, 2)}–${f(x.max, 2)}`,
  x.target ?? '',
  x.pass === undefined ? '' : verdict(x.pass),
];

const failoverCells = (x: FailoverRow) => [
  x.kind,
  String(x.runs),
  f(x.median, 1),
  f(x.p95, 1),
  f(x.max, 1),
  String(x.clientErrors),
  x.target,
  verdict(x.pass),
];

const profileCells = (x: ProfileRow) => [
  x.profile,
  x.kind,
  String(x.runs),
  f(x.medianMs),
  `${f(x.minMs)}–${f(x.maxMs)}`,
  x.target,
  verdict(x.pass),
];

const LATENCY_NOTE =
  'c1 latencies come from a µs client (undici + performance.now()). c10 req/s and latencies come from autocannon, whose histogram keeps whole milliseconds (a request under 1 ms counts as 0, shown as "< 1 ms"), except the redirect cases and `read-zipf-micro`, which use the µs client at 10 connections so the redirect ratio compares like with like. req/s is over the time each client measured (autocannon runs to its next one-second tick). Server CPU µs/req is the server process\'s CPU time over the measured window divided by the requests in it; cache hits are the share of the active\'s read-cache lookups answered from it over the same window, counted on the server.';

const TLS_NOTE =
  'Rows marked "API TLS" ran against a server of their own that serves every node\'s API and the bare route over TLS (TLS 1.3, P-256 certificates from a CA the server made for the run), measured back to back with the same case in plain HTTP. Both clients keep their connections open, so each connection pays one handshake: the µs client (undici) verifies the chain against that CA and follows a 307 on a pooled connection to the active (results.json counts the connections it opened per origin); autocannon 9 is handed the CA but always connects with certificate checks off, so its handshakes skip one signature check. The cluster port between the nodes is mutual TLS in both modes.';

/** What the workloads are: key spaces, distributions and the read cache's size. */
function workloadNote(): string {
  const { small, medium, large } = READ_KEYS;
  return (
    `Reads: ${small.count.toLocaleString('en')} secrets of ${small.bytes} B, picked uniformly (read-uniform) or from a Zipf hot set with s = ${ZIPF_S} over the same secrets (read-zipf and the forwarded and redirected reads); ` +
    `${medium.count} of 10 KB and ${large.count} of 1 MB. Writes: ${WRITE_KEYS.small.count.toLocaleString('en')} secrets of 100 B, ${WRITE_KEYS.medium.count.toLocaleString('en')} of 10 KB, ${WRITE_KEYS.large.count} of 1 MB, every one preloaded so each write updates a secret. ` +
    `The active's read cache holds ${READ_CACHE.entries.toLocaleString('en')} entries, oldest out first, and a KV v2 secret takes two (metadata and current version): ${READ_CACHE.secrets.toLocaleString('en')} secrets.`
  );
}

/** Each measured case and what it measures. */
function caseList(r: ReportData): string[] {
  const measuredNames = new Set(r.cases.map((c) => c.case));
  return CASES.filter((c) => measuredNames.has(c.name)).map((c) => `- \`${c.name}\`: ${c.what}.`);
}

const loadCells = (x: PhaseLoad) => [x.phase, x.start.map((v) => v.toFixed(2)).join(' / '), x.end.map((v) => v.toFixed(2)).join(' / ')];

/** The cases: their figures, how they were taken, and what each one measures. */
function caseSection(r: ReportData): string[] {
  return [
    '## Cases (medians over repetitions; [min–max])',
    '',
    ...markdownTable(
      ['storage', 'case', 'conns', 'req/s', 'p50', 'p99', 'latency from', 'server CPU µs/req', 'cache hits', 'errors'],
      r.cases.map(caseCells),
    ),
    '',
    LATENCY_NOTE,
    '',
    ...(r.cases.some((c) => c.apiTls === 'on') ? [TLS_NOTE, ''] : []),
    workloadNote(),
    '',
    ...caseList(r),
    '',
  ];
}

/** The machine's load average over each phase, when the set recorded it. */
function loadSection(load: PhaseLoad[] | undefined): string[] {
  if (!load?.length) return [];
  return [
    '## Load average (1 / 5 / 15 min) at the start and end of each phase',
    '',
    ...markdownTable(['phase', 'start', 'end'], load.map(loadCells)),
    '',
  ];
}

/** A ratio's median with its range, or "not measured". */
const spreadCell = (x: Ratio | undefined, d = 2) => (x ? `${f(x.median, d)} [${f(x.min, d)}–${f(x.max, d)}]` : 'not measured');

const hopCells = (h: HopRow) => [
  h.storage,
  h.measure,
  spreadCell(h.off),
  spreadCell(h.on),
  h.off?.target ?? '',
  h.off?.pass === undefined ? '' : verdict(h.off.pass),
];

/** The hop side by side, API TLS off and on, when the run measured it over TLS. */
function hopSection(hop: HopRow[] | undefined): string[] {
  if (!hop?.some((h) => h.on)) return [];
  return [
    '## The hop: forwarded and redirected against direct, API TLS off and on (medians over repetitions; [min–max])',
    '',
    'Ratios at 10 connections; added latency in µs at 1 connection (the forwarded or redirected read minus the direct read, in the same repetition). Targets are judged with TLS off; the TLS-on figures are reported.',
    '',
    ...markdownTable(['storage', 'measure', 'API TLS off', 'API TLS on', 'target (TLS off)', 'result'], hop.map(hopCells)),
    '',
  ];
}

/** The Markdown report. */
export function markdown(r: ReportData): string {
  const pairs = (o: Record<string, unknown>, show: (v: unknown) => string) =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${show(v)}`)
      .join(', ');
  return [
    '# vaultlab benchmark',
    '',
    `Machine: ${pairs(r.machine, String)}. Settings: ${pairs(r.settings, (v) => JSON.stringify(v))}.`,
    '',
    ...caseSection(r),
    ...loadSection(r.load),
    ...hopSection(r.hop),
    '## Ratios (computed within each repetition; level and memory interleaved case by case)',
    '',
    ...markdownTable(['ratio', 'median', 'min–max', 'target', 'result'], r.ratios.filter(measured).map(ratioCells)),
    '',
    '![ratios](ratios.svg)',
    '',
    '## Failover (real time, lab profile)',
    '',
    ...markdownTable(
      ['fault', 'runs', 'median ms', 'p95 ms', 'max ms', 'client errors', 'target', 'result'],
      r.failover.filter((x) => x.runs > 0).map(failoverCells),
    ),
    '',
    '## Timing profiles against published failover times (virtual time)',
    '',
    'From the fault until another node holds the lock; each run puts the fault at a different point of the renewal cycle.',
    '',
    ...markdownTable(['profile', 'fault', 'runs', 'median ms', 'min–max ms', 'target', 'result'], r.profiles.map(profileCells)),
    '',
    ...(r.notes?.length ? ['## Notes', '', ...r.notes.flatMap((n) => [n, ''])] : []),
  ].join('\n');
}

/** Writes results.json, results.md and ratios.svg into `dir`. */
export function writeReport(dir: string, report: ReportData & { samples: unknown[]; failoverSamples: unknown[] }): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'results.md'), markdown(report));
  writeFileSync(join(dir, 'ratios.svg'), svgChart(report.ratios));
}

/** One case on the console: req/s, the read cache's hit rate where it had one, then p50 and p99 in the unit their client measured, autocannon's with its resolution. */
export function caseLine(c: CaseRow): string {
  const name = `${c.storage}${c.apiTls === 'on' ? ' TLS' : ''} ${c.case} c${c.connections}`.padEnd(38);
  const p50 = formatLatency(c.latency.p50.median, c.latency).padStart(9);
  const p99 = formatLatency(c.latency.p99.median, c.latency).padStart(9);
  const source = c.latency.unit === 'ms' ? `  (${latencySource(c.latency)})` : '';
  const hits = (c.cacheHitRate ? `${f(100 * c.cacheHitRate.median)}% hits` : '').padStart(9);
  return `${name} ${f(c.reqPerSec.median).padStart(8)} req/s ${hits}  p50 ${p50}  p99 ${p99}${source}`;
}

/** The closing console table: req/s, p50 and p99 per case, then the ratios with pass or miss. */
export function printTable(r: Omit<ReportData, 'machine' | 'settings'>): string {
  const rows = r.cases.map((c) => caseLine(c));
  const ratios = r.ratios
    .filter(measured)
    .map((x) => `${x.name.padEnd(62)} ${f(x.median, 2).padStart(8)}  ${x.target ? `${x.target}: ${verdict(x.pass, 'MISS')}` : ''}`);
  const hop = r.hop?.some((h) => h.on)
    ? [
        `${'the hop'.padEnd(52)} ${'TLS off'.padStart(8)} ${'TLS on'.padStart(8)}`,
        ...r.hop.map(
          (h) =>
            `${`${h.storage}: ${h.measure}`.padEnd(52)} ${f(h.off?.median ?? NaN, 2).padStart(8)} ${f(h.on?.median ?? NaN, 2).padStart(8)}`,
        ),
        '',
      ]
    : [];
  const fo = r.failover
    .filter((x) => x.runs > 0)
    .map(
      (x) =>
        `failover ${x.kind.padEnd(10)} p50 ${f(x.median, 1)} ms  p95 ${f(x.p95, 1)} ms  max ${f(x.max, 1)} ms  (${x.target}: ${verdict(x.pass, 'MISS')})`,
    );
  const pr = r.profiles.map(
    (x) =>
      `profile ${x.profile.padEnd(7)} ${x.kind.padEnd(10)} median ${f(x.medianMs).padStart(6)} ms  [${f(x.minMs)}–${f(x.maxMs)}]  (${x.target}: ${verdict(x.pass, 'MISS')})`,
  );
  return [...rows, '', ...hop, ...ratios, '', ...fo, '', ...pr].join('\n');
}
