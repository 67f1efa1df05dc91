/**
 * matrix.svg: what each indirection adds to a KV read's median over going direct to the active,
 * as the client's distance grows, one panel per connection habit (pooled or new, plain or TLS),
 * at the grid's largest distance between nodes. Measured points are joined by solid lines, the
 * model's by dashed ones of the same colour; each route has its own mark as well as its colour
 * (Okabe–Ito), so the chart reads without colour too.
 */
import type { Route } from './matrix-grid.ts';
import type { JudgedCell, MatrixRun } from './matrix-report.ts';

const FONT = 12;
const PANEL_W = 330;
const PANEL_H = 210;
const MARGIN = { left: 56, right: 16, top: 30, bottom: 40 };
const GAP = 24;
const HEAD = 88;

const STYLE: Record<Exclude<Route, 'direct'>, { colour: string; mark: 'circle' | 'square' | 'triangle' | 'diamond'; name: string }> = {
  forward: { colour: '#0072B2', mark: 'circle', name: 'forward (standby → active)' },
  redirect: { colour: '#D55E00', mark: 'square', name: 'redirect (307, client follows)' },
  'lb-active': { colour: '#009E73', mark: 'triangle', name: 'balancer, active only' },
  'lb-standby-ok': { colour: '#CC79A7', mark: 'diamond', name: 'balancer, standbys forward' },
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const n1 = (v: number) => (Math.round(v * 10) / 10).toString();
const text = (x: number, y: number, s: string, attrs = '', size = FONT) =>
  `<text x="${n1(x)}" y="${n1(y)}" font-size="${size}" ${attrs}>${esc(s)}</text>`;

function mark(kind: string, x: number, y: number, colour: string): string {
  const r = 4;
  if (kind === 'circle') return `<circle cx="${n1(x)}" cy="${n1(y)}" r="${r}" fill="${colour}"/>`;
  if (kind === 'square') return `<rect x="${n1(x - r)}" y="${n1(y - r)}" width="${2 * r}" height="${2 * r}" fill="${colour}"/>`;
  if (kind === 'triangle')
    return `<path d="M${n1(x)} ${n1(y - r - 1)} L${n1(x + r + 1)} ${n1(y + r)} L${n1(x - r - 1)} ${n1(y + r)} Z" fill="${colour}"/>`;
  return `<path d="M${n1(x)} ${n1(y - r - 1)} L${n1(x + r + 1)} ${n1(y)} L${n1(x)} ${n1(y + r + 1)} L${n1(x - r - 1)} ${n1(y)} Z" fill="${colour}"/>`;
}

/** A round step for the y axis that gives four to six ticks. */
function step(max: number): number {
  for (const s of [0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200]) if (max / s <= 6) return s;
  return Math.ceil(max / 5);
}

function panel(run: MatrixRun, tls: boolean, fresh: boolean, x0: number, y0: number): string {
  const intra = Math.max(...run.grid.intraRttMs);
  const clients = run.grid.clientRttMs;
  const at = (route: Route, c: number): JudgedCell | undefined =>
    run.cells.find(
      (x) => x.route === route && x.tls === tls && x.newConnections === fresh && x.intraRttMs === intra && x.clientRttMs === c,
    );
  const added = (route: Route, c: number, model: boolean) => {
    const cell = at(route, c);
    const direct = at('direct', c);
    if (!cell || !direct) return undefined;
    return model ? cell.predictedP50Ms - direct.predictedP50Ms : cell.p50Ms - direct.p50Ms;
  };
  const routes = Object.keys(STYLE) as Array<keyof typeof STYLE>;
  const values = routes
    .flatMap((r) => clients.flatMap((c) => [added(r, c, false), added(r, c, true)]))
    .filter((v): v is number => v !== undefined);
  const top = Math.max(1, ...values);
  const s = step(top);
  const yMax = Math.ceil(top / s) * s;
  // A route a few hundredths of a ms faster than direct is noise, not a reason for a negative axis.
  const lowest = Math.min(0, ...values);
  const yMin = lowest < -s / 4 ? Math.floor(lowest / s) * s : 0;
  const w = PANEL_W - MARGIN.left - MARGIN.right;
  const h = PANEL_H - MARGIN.top - MARGIN.bottom;
  // Linear in the client's RTT: what a round trip adds then reads as a slope.
  const xMax = Math.max(...clients);
  const px = (i: number) => x0 + MARGIN.left + (clients[i]! / xMax) * w;
  const py = (v: number) => y0 + MARGIN.top + h - ((Math.max(v, yMin) - yMin) / (yMax - yMin)) * h;
  const parts = [
    text(
      x0 + MARGIN.left,
      y0 + 18,
      `${tls ? 'TLS' : 'plain HTTP'}, ${fresh ? 'new connection per request' : 'pooled connections'}`,
      'font-weight="bold"',
    ),
  ];
  for (let v = yMin; v <= yMax + 1e-9; v += s) {
    parts.push(
      `<line x1="${x0 + MARGIN.left}" x2="${x0 + MARGIN.left + w}" y1="${n1(py(v))}" y2="${n1(py(v))}" stroke="${v === 0 ? '#555' : '#ddd'}"/>`,
    );
    parts.push(text(x0 + MARGIN.left - 6, py(v) + 4, `${v}`, 'text-anchor="end"'));
  }
  clients.forEach((c, i) => parts.push(text(px(i), y0 + MARGIN.top + h + 16, `${c} ms`, 'text-anchor="middle"')));
  parts.push(text(x0 + MARGIN.left + w / 2, y0 + PANEL_H - 6, 'client RTT', 'text-anchor="middle" fill="#444"'));
  for (const r of routes) {
    const { colour, mark: kind } = STYLE[r];
    for (const model of [true, false]) {
      const pts = clients
        .map((c, i) => [px(i), added(r, c, model)] as const)
        .filter((p): p is readonly [number, number] => p[1] !== undefined);
      const d = pts.map(([x, v], i) => `${i ? 'L' : 'M'}${n1(x)} ${n1(py(v))}`).join(' ');
      parts.push(
        `<path d="${d}" fill="none" stroke="${colour}" stroke-width="${model ? 1.2 : 2}"${model ? ' stroke-dasharray="4 3"' : ''}/>`,
      );
      if (!model) for (const [x, v] of pts) parts.push(mark(kind, x, py(v), colour));
    }
  }
  return parts.join('\n');
}

/** The chart as an SVG document. */
export function matrixChart(run: MatrixRun): string {
  const intra = Math.max(...run.grid.intraRttMs);
  const width = 2 * PANEL_W + GAP + 20;
  const height = HEAD + 2 * PANEL_H + GAP + 10;
  const legend = (Object.keys(STYLE) as Array<keyof typeof STYLE>).map((r, i) => {
    const x = 20 + (i % 2) * 330;
    const y = 44 + Math.floor(i / 2) * 16;
    return `${mark(STYLE[r].mark, x, y - 4, STYLE[r].colour)}${text(x + 10, y, STYLE[r].name)}`;
  });
  const panels = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ].map(([tls, fresh], i) => panel(run, tls!, fresh!, 10 + (i % 2) * (PANEL_W + GAP), HEAD + Math.floor(i / 2) * (PANEL_H + GAP)));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    text(20, 22, `What each route adds to a KV read's median over going direct (ms), nodes ${intra} ms apart`, 'font-weight="bold"', 14),
    ...legend,
    text(20, 80, 'solid lines and marks: measured medians · dashed: the cost model', 'fill="#444"'),
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}
