/**
 * The matrix's results: each cell measured beside the model's prediction (how far off, and
 * whether within 20 %), the crossover said in words (what a redirect and a forward add over
 * going direct, at each distance), and results.md's tables.
 */
import { baseOf, cellKey, predictedP50Ms, ROUTES, ROUTE_WORDS, type Cell, type Grid, type Route } from './matrix-grid.ts';

/** A cell as measured by the µs client. */
export interface MeasuredCell extends Cell {
  p50Ms: number;
  p99Ms: number;
  reqPerSec: number;
  requests: number;
  errors: number;
  connectionsOpened: number;
}

/** A measured cell with the model's p50 beside it. */
export interface JudgedCell extends MeasuredCell {
  predictedP50Ms: number;
  /** measured / predicted − 1. */
  deviation: number;
  /** Within 20 % of the model (the base cells, where the model takes its figures, always are). */
  withinModel: boolean;
}

/** One run of the matrix. */
export interface MatrixRun {
  date: string;
  machine: { cpus: number; node: string; loadAtStart: number[]; loadAtEnd: number[] };
  quick: boolean;
  durationSec: number;
  connections: number;
  minutes: number;
  grid: Grid;
  cells: JudgedCell[];
}

/** How far from the model a cell may be and still agree with it. */
export const MODEL_TOLERANCE = 0.2;

/** Each cell with its prediction, from the measured base cell of its route, TLS and connections. */
export function withPredictions(cells: MeasuredCell[], grid: Grid): JudgedCell[] {
  const byKey = new Map(cells.map((c) => [cellKey(c), c]));
  return cells.map((c) => {
    const base = byKey.get(cellKey(baseOf(c, grid)));
    const predicted = base ? predictedP50Ms(c, base.p50Ms, grid) : NaN;
    const deviation = c.p50Ms / predicted - 1;
    return { ...c, predictedP50Ms: predicted, deviation, withinModel: Math.abs(deviation) <= MODEL_TOLERANCE };
  });
}

const f = (ms: number) => (ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
// Anything that rounds to zero reads +0.00, never −0.00.
const plus = (ms: number) => `${ms > -0.005 ? '+' : '−'}${f(Math.abs(ms))} ms`;
const habit = (tls: boolean, fresh: boolean) =>
  `${tls ? 'TLS' : 'plain HTTP'}, ${fresh ? 'a new connection per request' : 'pooled connections'}`;

function find(cells: JudgedCell[], c: Omit<Cell, 'route'>, route: Route): JudgedCell | undefined {
  return cells.find(
    (x) =>
      x.route === route &&
      x.clientRttMs === c.clientRttMs &&
      x.intraRttMs === c.intraRttMs &&
      x.tls === c.tls &&
      x.newConnections === c.newConnections,
  );
}

/**
 * The crossover in words, one line per connection habit and distance pair: what a redirect and a
 * forward add over direct at the median, and which costs less.
 */
export function crossoverLines(run: MatrixRun): string[] {
  const lines: string[] = [];
  const g = run.grid;
  for (const tls of g.tls)
    for (const newConnections of g.newConnections)
      for (const intraRttMs of g.intraRttMs)
        for (const clientRttMs of g.clientRttMs) {
          const at = { clientRttMs, intraRttMs, tls, newConnections };
          const [d, fw, rd] = (['direct', 'forward', 'redirect'] as const).map((r) => find(run.cells, at, r));
          if (!d || !fw || !rd) continue;
          const redirect = rd.p50Ms - d.p50Ms;
          const forward = fw.p50Ms - d.p50Ms;
          const cheaper = redirect < forward ? 'redirect' : 'forward';
          lines.push(
            `${habit(tls, newConnections)}, clients ${clientRttMs} ms and nodes ${intraRttMs} ms apart (RTT): a redirect costs ${plus(redirect)}, forwarding ${plus(forward)}; ${cheaper} costs less`,
          );
        }
  return lines;
}

/** results.md: the words, then one table per TLS and connection habit. */
export function matrixMarkdown(run: MatrixRun): string {
  const out = [
    '# Forward or redirect: the matrix',
    '',
    `Measured ${run.date.slice(0, 10)} (${run.quick ? '--quick, ' : ''}${run.durationSec} s per cell after a warm-up, ${run.connections} connections, the µs client; ${run.minutes.toFixed(1)} min in all) on ${run.machine.cpus} CPUs, Node ${run.machine.node}; load average ${run.machine.loadAtStart[0]!.toFixed(2)} at the start, ${run.machine.loadAtEnd[0]!.toFixed(2)} at the end.`,
    '',
    `A KV v2 read of one secret. Model: the route's cost at the smallest distances, measured, plus round trips (matrix-grid.ts); a cell agrees with it within ${MODEL_TOLERANCE * 100} %.`,
    '',
    '## In words',
    '',
    ...crossoverLines(run).map((l) => `- ${l}`),
    '',
  ];
  const g = run.grid;
  for (const tls of g.tls)
    for (const newConnections of g.newConnections) {
      out.push(
        `## ${habit(tls, newConnections)}`,
        '',
        '| route | client RTT | intra RTT | p50 | p99 | req/s | model p50 | off by |',
        '|---|---|---|---|---|---|---|---|',
      );
      for (const route of ROUTES)
        for (const intraRttMs of g.intraRttMs)
          for (const clientRttMs of g.clientRttMs) {
            const c = find(run.cells, { clientRttMs, intraRttMs, tls, newConnections }, route);
            if (!c) continue;
            const off = `${c.deviation >= 0 ? '+' : '−'}${Math.abs(c.deviation * 100).toFixed(0)} %${c.withinModel ? '' : ' ✗'}`;
            const errors = c.errors ? ` (${c.errors} errors)` : '';
            out.push(
              `| ${route} | ${clientRttMs} ms | ${intraRttMs} ms | ${f(c.p50Ms)} ms | ${f(c.p99Ms)} ms | ${c.reqPerSec.toFixed(0)}${errors} | ${f(c.predictedP50Ms)} ms | ${off} |`,
            );
          }
      out.push('');
    }
  const outside = run.cells.filter((c) => !c.withinModel);
  out.push(
    '## Against the model',
    '',
    `${run.cells.length - outside.length} of ${run.cells.length} cells within ${MODEL_TOLERANCE * 100} % of the model; outside it: ${outside.length ? outside.map((c) => `${cellKey(c)} (${(c.deviation * 100).toFixed(0)} %)`).join(', ') : 'none'}.`,
    '',
    'Routes: ' + ROUTES.map((r) => `${r}: ${ROUTE_WORDS[r]}`).join('; ') + '.',
    '',
  );
  return out.join('\n');
}
