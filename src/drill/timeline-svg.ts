/**
 * The picture of a drill, as one self-contained SVG: one lane per node coloured by state,
 * a lane of lock terms, a lane for storage, faults as dashed outlines with their names, and
 * client errors as ticks, requests a standby redirected to a node that was down as triangles
 * above the clients' lane with a count, and the balancer's marks under the node lanes. Every colour drawn comes from one palette, and the legend is drawn
 * from the same palette, so nothing on the picture is missing from it. Nothing is drawn
 * translucent over another colour (overlays would mix new hues nobody can look up).
 * Read at a glance: green must never overlap green.
 */
import type { DrillResult } from './drill-runner.ts';
import { describeTopology, labNodeNames } from '../lab/index.ts';
import type { HistoryEvent } from './history.ts';
import { zonesOf } from './network-text.ts';
import { staleRedirectRuns } from './stale-redirects.ts';

/** How an entry looks in the legend: a filled square, a dashed outline, a tick, or a downward triangle. */
type Swatch = 'fill' | 'outline' | 'tick' | 'triangle';

/** Every colour the timeline uses, with its legend label. States' hues are all different. */
export const PALETTE = {
  active: { colour: '#16a34a', label: 'active', swatch: 'fill' },
  standby: { colour: '#60a5fa', label: 'standby', swatch: 'fill' },
  sealed: { colour: '#9ca3af', label: 'sealed', swatch: 'fill' },
  down: { colour: '#262626', label: 'down', swatch: 'fill' },
  uninitialized: { colour: '#fde68a', label: 'uninitialized', swatch: 'fill' },
  lock: { colour: '#99f6e4', label: 'lock term', swatch: 'fill' },
  load: { colour: '#f3f4f6', label: 'client load', swatch: 'fill' },
  fault: { colour: '#f97316', label: 'fault', swatch: 'outline' },
  failed: { colour: '#dc2626', label: 'failed · violation', swatch: 'tick' },
  unknown: { colour: '#db2777', label: 'unknown outcome', swatch: 'tick' },
  fenced: { colour: '#7c3aed', label: 'fenced write', swatch: 'tick' },
  balancer: { colour: '#a16207', label: 'balancer in · out', swatch: 'tick' },
  // Last: its label is the longest, and the last column has the page's edge to run into.
  staleRedirect: { colour: '#0e7490', label: 'redirect to a down node', swatch: 'triangle' },
} as const satisfies Record<string, { colour: string; label: string; swatch: Swatch }>;

/** The node states the lanes show (a stopped node is drawn as down). */
export const STATE_KEYS = ['active', 'standby', 'sealed', 'down', 'uninitialized'] as const;

/** Text and outlines, and the page: not data, so not in the legend. */
export const INK = '#000000';
export const PAPER = '#ffffff';

const stateColour = (state: string): string =>
  (PALETTE as Record<string, { colour: string }>)[state]?.colour ?? PALETTE.uninitialized.colour;
const LEFT = 90;
const WIDTH = 960;
const LANE = 22;
// Room between lanes for a fault's name, above its dashed outline.
const GAP = 14;

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const shown = (state: string) => (state === 'stopped' ? 'down' : state);
const LEGEND_COLUMN = 118;
const LEGEND_PER_ROW = 7;

function rect(x1: number, x2: number, y: number, h: number, fill: string, title: string, extra = ''): string {
  return `<rect x="${x1.toFixed(1)}" y="${y}" width="${Math.max(0.8, x2 - x1).toFixed(1)}" height="${h}" fill="${fill}"${extra}><title>${esc(title)}</title></rect>`;
}

/** Spans of something that is on between two events (faults), by target. */
function faultSpans(ev: readonly HistoryEvent[], end: number): Array<{ target: string; name: string; from: number; to: number }> {
  const open = new Map<string, number>();
  const spans: Array<{ target: string; name: string; from: number; to: number }> = [];
  for (const e of ev) {
    if (e.kind !== 'fault') continue;
    const id = `${e.name}\u0000${e.target}`;
    if (e.on) open.set(id, e.t);
    else if (open.has(id)) {
      spans.push({ target: e.target, name: e.name, from: open.get(id)!, to: e.t });
      open.delete(id);
    }
  }
  for (const [id, from] of open) {
    const [name, target] = id.split('\u0000');
    spans.push({ target, name, from, to: end });
  }
  return spans;
}

/** Where things go: time to x, lane to y. */
interface Frame {
  t0: number;
  end: number;
  span: number;
  nodes: string[];
  lanes: string[];
  /** Each node's zone, when the drill ran on a topology. */
  zones: Map<string, string> | undefined;
  x(t: number): number;
  y(lane: string): number;
}

function frameOf(r: DrillResult): Frame {
  const ev = r.history.events;
  const t0 = ev[0]?.t ?? r.startTime;
  // Show up to the last thing that happened to the cluster, not the quiet settling time after it.
  const lastChange = Math.max(
    r.startTime + r.spec.durationMs,
    ...ev.filter((e) => e.kind === 'state' || e.kind === 'fault' || (e.kind === 'lock' && e.event === 'acquired')).map((e) => e.t),
  );
  const end = Math.min(r.endTime, lastChange + 1000);
  const span = Math.max(1, end - t0);
  const nodes = labNodeNames(r.spec.nodes);
  const lanes = [...nodes, 'lock', 'storage', 'clients'];
  const x = (t: number) => LEFT + ((t - t0) / span) * (WIDTH - LEFT - 10);
  const y = (lane: string) => 28 + lanes.indexOf(lane) * (LANE + GAP);
  const zones = r.spec.topology && zonesOf(r.spec.topology, r.spec.nodes);
  return { t0, end, span, nodes, lanes, zones, x, y };
}

/** The load window, a time axis in seconds from the first event, and the lane names. */
function axes(r: DrillResult, { t0, span, lanes, zones, x, y }: Frame): string[] {
  const loadWindow = rect(
    x(r.startTime),
    x(r.startTime + r.spec.durationMs),
    22,
    lanes.length * (LANE + GAP),
    PALETTE.load.colour,
    'client load window',
  );
  const parts = [loadWindow];
  for (let s = 0; s * 1000 <= span; s += Math.max(1, Math.ceil(span / 1000 / 12)))
    parts.push(`<text x="${x(t0 + s * 1000).toFixed(1)}" y="14" font-size="10" text-anchor="middle" fill="${INK}">${s}s</text>`);
  for (const lane of lanes) {
    const zone = zones?.get(lane);
    parts.push(`<text x="4" y="${y(lane) + 15}" font-size="12" fill="${INK}">${lane}${zone ? ` · ${esc(zone)}` : ''}</text>`);
  }
  return parts;
}

/** Each node's lane, coloured by its state over time. */
function nodeLanes(ev: readonly HistoryEvent[], { t0, end, nodes, x, y }: Frame): string[] {
  const parts: string[] = [];
  for (const node of nodes) {
    let from = t0;
    let state = 'uninitialized';
    for (const e of ev) {
      if (e.kind !== 'state' || e.node !== node) continue;
      // A state held for no time (the start-up steps at one virtual instant) is not drawn.
      if (e.t > from) parts.push(rect(x(from), x(e.t), y(node), LANE, stateColour(shown(state)), `${node} ${shown(state)}`));
      from = e.t;
      state = e.to;
    }
    parts.push(rect(x(from), x(end), y(node), LANE, stateColour(shown(state)), `${node} ${shown(state)}`));
  }
  return parts;
}

/** The lock lane: one span per term, named by its holder. */
function lockLane(ev: readonly HistoryEvent[], { end, x, y }: Frame): string[] {
  const acquired = ev.filter((e) => e.kind === 'lock' && e.event === 'acquired') as Array<Extract<HistoryEvent, { kind: 'lock' }>>;
  return acquired.flatMap((e, i) => {
    const until = Math.min(acquired[i + 1]?.t ?? end, end);
    return [
      rect(x(e.t), x(until), y('lock'), LANE, PALETTE.lock.colour, `term ${e.term} (${e.node})`, ` stroke="${INK}" stroke-width="0.5"`),
      `<text x="${(x(e.t) + 2).toFixed(1)}" y="${y('lock') + 15}" font-size="10" fill="${INK}">t${e.term} ${e.node}</text>`,
    ];
  });
}

/**
 * Faults as dashed outlines around their target's lane (storage's for the storage-wide ones, every
 * lane of a zone's nodes for a zone's): the state inside stays readable.
 */
function faultMarks(ev: readonly HistoryEvent[], { end, lanes, zones, x, y }: Frame): string[] {
  const lanesOf = (target: string) => {
    const inZone = [...(zones ?? [])].filter(([, z]) => z === target).map(([node]) => node);
    return inZone.length ? inZone : [lanes.includes(target) ? target : 'storage'];
  };
  return faultSpans(ev, end).flatMap((f) =>
    lanesOf(f.target).flatMap((lane) => [
      rect(
        x(f.from),
        x(f.to),
        y(lane) - 3,
        LANE + 6,
        'none',
        `${f.name} on ${f.target}`,
        ` stroke="${PALETTE.fault.colour}" stroke-width="2" stroke-dasharray="4 2"`,
      ),
      `<text x="${x(f.from).toFixed(1)}" y="${y(lane) - 6}" font-size="10" fill="${PALETTE.fault.colour}">▼ ${esc(f.name)}</text>`,
    ]),
  );
}

/** Client errors as ticks (failed, unknown) and fenced writes. */
function clientTicks(ev: readonly HistoryEvent[], { x, y }: Frame): string[] {
  const parts: string[] = [];
  for (const e of ev) {
    const colour =
      e.kind === 'fail'
        ? PALETTE.failed.colour
        : e.kind === 'info'
          ? PALETTE.unknown.colour
          : e.kind === 'fenced'
            ? PALETTE.fenced.colour
            : undefined;
    if (!colour) continue;
    const base = y('clients');
    parts.push(
      `<line x1="${x(e.t).toFixed(1)}" x2="${x(e.t).toFixed(1)}" y1="${base + 2}" y2="${base + LANE - 2}" stroke="${colour}"><title>${esc(e.kind)}</title></line>`,
    );
  }
  return parts;
}

/** A downward triangle of `size` whose tip is at (x, tip). */
function triangle(x: number, tip: number, size: number, colour: string, title?: string): string {
  const h = size / 2;
  const points = `${(x - h).toFixed(1)},${tip - size} ${(x + h).toFixed(1)},${tip - size} ${x.toFixed(1)},${tip}`;
  return title === undefined
    ? `<polygon points="${points}" fill="${colour}"/>`
    : `<polygon points="${points}" fill="${colour}"><title>${esc(title)}</title></polygon>`;
}

/**
 * Requests a standby sent on to a node that was down: a triangle per request just above the
 * clients' lane (where no fault is drawn), and after each run how many went to which node.
 */
function staleRedirectMarks(ev: readonly HistoryEvent[], { x, y }: Frame): string[] {
  const { colour } = PALETTE.staleRedirect;
  const tip = y('clients') - 2;
  return staleRedirectRuns(ev).flatMap((run) => {
    const marks = run.completions.map((e) => triangle(x(e.t), tip, 8, colour, `redirected to ${run.to}, which was down: refused`));
    const end = x(run.until) + 6;
    const label = `${run.completions.length} redirected to ${run.to} while down`;
    const anchor = end > WIDTH - 160 ? ` text-anchor="end"` : '';
    const at = anchor ? x(run.from) - 6 : end;
    return [...marks, `<text x="${at.toFixed(1)}" y="${tip}" font-size="10" fill="${colour}"${anchor}>${esc(label)}</text>`];
  });
}

/**
 * Where the balancer in front put a node in rotation or took it out: a tick under the node's
 * lane with "in" or "out", so a failover window reads against the lease and the checks.
 */
function balancerMarks(ev: readonly HistoryEvent[], { end, x, y }: Frame): string[] {
  const { colour } = PALETTE.balancer;
  return ev.flatMap((e) => {
    if (e.kind !== 'balancer' || e.t > end) return [];
    const base = y(e.node) + LANE;
    const title = `the balancer ${e.to === 'up' ? 'put it in rotation' : 'took it out of rotation'} (${e.check})`;
    return [
      `<line x1="${x(e.t).toFixed(1)}" x2="${x(e.t).toFixed(1)}" y1="${base - 6}" y2="${base + 4}" stroke="${colour}" stroke-width="2"><title>${esc(title)}</title></line>`,
      `<text x="${(x(e.t) + 3).toFixed(1)}" y="${base + 10}" font-size="9" fill="${colour}">${e.to === 'up' ? 'in' : 'out'}</text>`,
    ];
  });
}

/** A red line where the violation's last event happened, with its check's id. */
function violationMark(r: DrillResult, { end, x, y }: Frame): string[] {
  const v = r.violation?.events.at(-1);
  if (!v || v.t > end) return [];
  return [
    `<line x1="${x(v.t).toFixed(1)}" x2="${x(v.t).toFixed(1)}" y1="20" y2="${y('clients') + LANE}" stroke="${PALETTE.failed.colour}" stroke-width="2"><title>${esc(r.violation!.message)}</title></line>`,
    `<text x="${(x(v.t) + 3).toFixed(1)}" y="${y('clients') + LANE + 12}" font-size="11" font-weight="bold" fill="${PALETTE.failed.colour}">${r.violation!.check}</text>`,
  ];
}

/** The legend, drawn from the palette: one swatch per colour, shaped as it appears. */
function legendOf(top: number): string[] {
  return Object.values(PALETTE).map(({ colour, label, swatch }, i) => {
    const x = LEFT + (i % LEGEND_PER_ROW) * LEGEND_COLUMN;
    const y = top + Math.floor(i / LEGEND_PER_ROW) * 20;
    const mark =
      swatch === 'fill'
        ? `<rect x="${x}" y="${y}" width="12" height="12" fill="${colour}" stroke="${INK}" stroke-width="0.5"/>`
        : swatch === 'outline'
          ? `<rect x="${x + 1}" y="${y + 1}" width="10" height="10" fill="none" stroke="${colour}" stroke-width="2" stroke-dasharray="4 2"/>`
          : swatch === 'tick'
            ? `<line x1="${x + 6}" x2="${x + 6}" y1="${y}" y2="${y + 12}" stroke="${colour}" stroke-width="2"/>`
            : triangle(x + 6, y + 11, 10, colour);
    return `${mark}<text x="${x + 16}" y="${y + 10}" font-size="11" fill="${INK}">${label}</text>`;
  });
}

/** The SVG timeline of a drill. */
export function timelineSvg(r: DrillResult): string {
  const ev = r.history.events;
  const f = frameOf(r);
  const parts = [
    ...axes(r, f),
    ...nodeLanes(ev, f),
    ...lockLane(ev, f),
    ...faultMarks(ev, f),
    ...clientTicks(ev, f),
    ...staleRedirectMarks(ev, f),
    ...balancerMarks(ev, f),
    ...violationMark(r, f),
  ];
  const legendY = 28 + f.lanes.length * (LANE + GAP) + 16;
  const legend = legendOf(legendY);
  const legendBottom = legendY + Math.ceil(Object.keys(PALETTE).length / LEGEND_PER_ROW) * 20;
  // The network the drill ran on, under the legend: the delays every lane above waited out.
  const caption = r.spec.topology
    ? [`<text x="${LEFT}" y="${legendBottom + 10}" font-size="11" fill="${INK}">${esc(describeTopology(r.spec.topology))}</text>`]
    : [];
  const height = legendBottom + 8 + caption.length * 18;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="${PAPER}"/>${parts.join('')}${legend.join('')}${caption.join('')}</svg>
`;
}
