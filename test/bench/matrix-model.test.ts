/**
 * The matrix's cost model, as a table of round trips per route and connection habit; its
 * predictions from a measured base cell; the crossover said in words; results.md's rows; and the
 * chart's shape (a mark per measured point, a dashed model line per route and panel).
 */
import { describe, expect, it } from 'vitest';
import { matrixChart } from '../../bench/matrix/matrix-chart.ts';
import { FULL_GRID, labsOf, networkMs, predictedP50Ms, QUICK_GRID, type Cell, type Route } from '../../bench/matrix/matrix-grid.ts';
import { crossoverLines, matrixMarkdown, withPredictions, type MatrixRun, type MeasuredCell } from '../../bench/matrix/matrix-report.ts';

const at = (route: Route, c: number, i: number, tls: boolean, fresh: boolean): Cell => ({
  route,
  clientRttMs: c,
  intraRttMs: i,
  tls,
  newConnections: fresh,
});

describe('the cost model', () => {
  it.each([
    // route, tls, new connection: the network's ms at clients 20 ms and nodes 2 ms apart
    ['direct', false, false, 20],
    ['direct', false, true, 40],
    ['direct', true, true, 60],
    ['forward', false, false, 22],
    ['forward', true, true, 62],
    ['redirect', false, false, 40],
    ['redirect', false, true, 80],
    ['redirect', true, true, 120],
    ['lb-active', false, false, 22],
    ['lb-active', true, true, 66],
    ['lb-standby-ok', false, false, 24],
    ['lb-standby-ok', true, true, 68],
  ] as const)('%s, TLS %s, new connections %s: %d ms of round trips', (route, tls, fresh, ms) => {
    expect(networkMs(at(route, 20, 2, tls, fresh))).toBeCloseTo(ms, 9);
  });

  it("predicts a cell from its route's base cell: the base's measured time plus the round trips between them", () => {
    // A redirect with new TLS connections measured 6 ms at 0.1 ms: 2 × 3 round trips of 0.1 ms are in it; at 20 ms, 2 × 3 × 20.
    expect(predictedP50Ms(at('redirect', 20, 2, true, true), 6, QUICK_GRID)).toBeCloseTo(6 + 120 - 0.6, 9);
    expect(predictedP50Ms(at('forward', 5, 2, false, false), 3, FULL_GRID)).toBeCloseTo(3 + (5 + 2) - (0.1 + 0.2), 9);
  });

  it('has 24 labs and 120 cells in the full grid, 8 and 40 with --quick', () => {
    const cells = (g: typeof FULL_GRID) => labsOf(g).reduce((n, l) => n + (l.balancer === 'active' ? 4 : 1) * g.newConnections.length, 0);
    expect([labsOf(FULL_GRID).length, cells(FULL_GRID)]).toEqual([24, 120]);
    expect([labsOf(QUICK_GRID).length, cells(QUICK_GRID)]).toEqual([8, 40]);
  });
});

/** A made-up run on the quick grid: every cell 0.5 ms of work plus its round trips, times 1 + `skew`. */
function madeUpRun(skew: (c: Cell) => number): MatrixRun {
  const cells: MeasuredCell[] = [];
  for (const l of labsOf(QUICK_GRID))
    for (const route of l.balancer === 'active' ? (['direct', 'forward', 'redirect', 'lb-active'] as const) : (['lb-standby-ok'] as const))
      for (const fresh of [false, true]) {
        const cell = at(route, l.clientRttMs, l.intraRttMs, l.tls, fresh);
        const model = 0.5 + networkMs(cell);
        const p50Ms = model * (1 + skew(cell));
        cells.push({ ...cell, p50Ms, p99Ms: p50Ms * 2, reqPerSec: 3000 / p50Ms, requests: 100, errors: 0, connectionsOpened: 3 });
      }
  return {
    date: '2026-12-03T00:00:00.000Z',
    machine: { cpus: 2, node: 'v20.20.2', loadAtStart: [1, 1, 1], loadAtEnd: [1, 1, 1] },
    quick: true,
    durationSec: 1,
    connections: 3,
    minutes: 1,
    grid: QUICK_GRID,
    cells: withPredictions(cells, QUICK_GRID),
  };
}

describe('the results', () => {
  it('judges each cell against the model: within 20 % agrees, beyond it is named', () => {
    const run = madeUpRun((c) => (c.route === 'forward' && c.clientRttMs === 20 && c.tls && c.newConnections ? 0.3 : 0));
    const outside = run.cells.filter((c) => !c.withinModel);
    expect(outside.map((c) => [c.route, c.clientRttMs, c.tls, c.newConnections])).toEqual([['forward', 20, true, true]]);
    const md = matrixMarkdown(run);
    expect(md).toContain('39 of 40 cells within 20 % of the model; outside it: forward c20 i2 tls new (30 %).');
    expect(md).toMatch(/^\| forward \| 20 ms \| 2 ms \| .* \| \+30 % ✗ \|$/m);
  });

  it('says the crossover in words: a redirect pays the client distance, a forward the node distance', () => {
    const lines = crossoverLines(madeUpRun(() => 0));
    expect(lines).toContain(
      'TLS, a new connection per request, clients 20 ms and nodes 2 ms apart (RTT): a redirect costs +60.0 ms, forwarding +2.00 ms; forward costs less',
    );
    expect(lines).toContain(
      'plain HTTP, pooled connections, clients 0.1 ms and nodes 2 ms apart (RTT): a redirect costs +0.10 ms, forwarding +2.00 ms; redirect costs less',
    );
  });

  it('draws four panels with a mark per measured point and a dashed model line per route', () => {
    const svg = matrixChart(madeUpRun(() => 0));
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(4 * 4);
    // Two client distances on the quick grid: two marks per route per panel.
    expect(
      svg.match(/<(circle|rect x|path d="M[\d.]+ [\d.]+ L[\d.]+ [\d.]+ L[\d.]+ [\d.]+ (L[\d.]+ [\d.]+ )?Z")/g)!.length,
    ).toBeGreaterThanOrEqual(4 * 4 * 2);
    // No element names an attribute twice (a renderer refuses the whole file).
    expect(svg.split('\n').filter((l) => /\s(\S+)="[^"]*"[^>]*\s\1="/.test(l))).toEqual([]);
    for (const title of ['plain HTTP, pooled connections', 'TLS, new connection per request']) expect(svg).toContain(title);
  });
});
