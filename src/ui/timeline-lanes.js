// @ts-check
/**
 * The drill report's lanes, live: one lane per node, its state as segments over the last
 * minute (each segment named when it is wide enough, the colour only a second cue), faults and
 * lab actions as marked events, and the lock's terms. New time enters on the right.
 */
import { h, s } from './dom.js';
import { stateOfEvent } from './lab-model.js';

/** The lanes' time window. */
const WINDOW_MS = 60_000;
const WIDTH = 1000;
const LANE = 44;
const LEFT = 70;

/**
 * Each node's state segments within [from, to], from the events (the state before the first
 * event in the window is the one the last earlier event left).
 * @param {import('./lab-model.js').TimelineEvent[]} events
 * @param {string} node
 * @param {string} initial
 * @param {number} from
 * @param {number} to
 */
function segments(events, node, initial, from, to) {
  /** @type {{ state: string, start: number, end: number }[]} */
  const out = [];
  let state = initial;
  let start = from;
  for (const e of events) {
    if (e.node !== node) continue;
    const next = stateOfEvent(e);
    if (!next || next === state) continue;
    if (e.time > from) {
      out.push({ state, start, end: Math.min(e.time, to) });
      start = e.time;
    }
    state = next;
  }
  out.push({ state, start, end: to });
  return out.filter((g) => g.end > g.start);
}

/**
 * @param {string[]} nodes
 * @param {{ clients?: boolean }} [o] clients: a lane of the clients' outcomes (ok and failed per bucket)
 */
export function timelineLanes(nodes, o = {}) {
  const lanes = nodes.length + (o.clients ? 1 : 0);
  const height = 8 + lanes * LANE + 24;
  const svg = s('svg', { class: 'lanes', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-label': 'timeline of the last minute' });
  const title = h('h2', { id: 'timeline-title' }, 'Timeline (last minute)');
  const el = h('section', { class: 'timeline', 'aria-labelledby': 'timeline-title' }, title, svg);

  /**
   * Draws the lanes up to `now`. Live, the window is the last minute and times are counted back
   * from now; a replay shows the whole drill (`whole`: its start and end) with times from its start.
   * @param {import('./lab-model.js').LabModel} model
   * @param {number} now
   * @param {{ start: number, end: number }} [whole]
   */
  const update = (model, now, whole) => {
    const from = whole ? whole.start : now - WINDOW_MS;
    const to = whole ? Math.max(whole.end, whole.start + 1) : now;
    const origin = whole ? whole.start : now;
    title.textContent = whole ? 'Timeline (the whole drill)' : 'Timeline (last minute)';
    const x = (/** @type {number} */ t) => LEFT + ((t - from) / (to - from)) * (WIDTH - LEFT - 8);
    // Lanes begin where the record begins: before its first event the page knows nothing.
    const since = Math.max(from, model.events[0]?.time ?? now);
    const parts = [];
    nodes.forEach((node, i) => {
      const y = 8 + i * LANE;
      parts.push(s('text', { class: 'lane-name', x: 4, y: y + 17 }, node));
      // The state the window opens with: replay the events up to its start from the first one kept.
      const first = model.events.find((e) => e.node === node && stateOfEvent(e));
      const initial = first ? (first.detail.split('→')[0]?.trim() ?? 'sealed') : (model.nodes.get(node)?.ha_mode ?? 'sealed');
      for (const g of segments(model.events, node, initial === 'stopped' ? 'down' : initial, since, now)) {
        const x0 = x(g.start);
        const w = Math.max(1, x(g.end) - x0);
        parts.push(s('rect', { class: `seg seg-${g.state}`, x: x0, y, width: w, height: 22 }, s('title', {}, g.state)));
        // Named only where the name fits inside (about 7 units a character at this size).
        if (w > g.state.length * 7 + 8) parts.push(s('text', { class: 'seg-label', x: x0 + 4, y: y + 15 }, g.state));
      }
      let labelEnd = -Infinity;
      for (const e of model.events) {
        if (e.node !== node || e.time < from || (e.type !== 'fault' && e.type !== 'action' && e.type !== 'lock-acquired')) continue;
        const cx = x(e.time);
        const label = e.type === 'lock-acquired' ? e.detail.replace(/:.*$/, '') : e.detail;
        parts.push(
          s(
            'g',
            { class: `mark mark-${e.type}` },
            s('path', { d: `M${cx} ${y - 2} l5 -6 h-10 z` }),
            s('title', {}, `${node}: ${e.type} ${e.detail}`),
          ),
        );
        // A label starts at its mark, or near the right edge ends there; one that would run into
        // the label before it is left to the mark's tooltip.
        const text = label.slice(0, 24);
        const width = text.length * 6.5;
        const fits = cx + 4 + width < WIDTH;
        const start = fits ? cx + 4 : cx - 4 - width;
        if (start < labelEnd) continue;
        labelEnd = start + width + 6;
        parts.push(s('text', { class: 'mark-label', x: fits ? cx + 4 : cx - 4, y: y + 34, 'text-anchor': fits ? 'start' : 'end' }, text));
      }
    });
    if (o.clients) parts.push(...clientLane(model, 8 + nodes.length * LANE, x, from));
    const axisY = 8 + lanes * LANE + 8;
    const step = tickStep(to - from);
    for (let t = origin + Math.ceil((from - origin) / step) * step; t <= to; t += step) {
      parts.push(s('line', { class: 'grid', x1: x(t), x2: x(t), y1: 4, y2: axisY - 8 }));
      // The last label ends at its line, so it stays inside the drawing.
      const anchor = x(t) > WIDTH - 30 ? 'end' : 'middle';
      parts.push(s('text', { class: 'axis', x: x(t), y: axisY + 4, 'text-anchor': anchor }, `${Math.round((t - origin) / 100) / 10} s`));
    }
    if (whole) parts.push(s('line', { class: 'cursor', x1: x(now), x2: x(now), y1: 0, y2: axisY - 4 }));
    svg.replaceChildren(...parts);
  };
  return { el, update };
}

/** A round step between grid lines, for about six to twelve of them across `span` ms. @param {number} span */
function tickStep(span) {
  for (const step of [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 60_000]) if (span / step <= 12) return step;
  return 300_000;
}

/**
 * The clients' lane: per bucket, a bar as tall as its requests, the failed part drawn solid
 * and marked, so the failover window shows as a gap or a run of failures.
 * @param {import('./lab-model.js').LabModel} model
 * @param {number} y
 * @param {(t: number) => number} x
 * @param {number} from
 */
function clientLane(model, y, x, from) {
  const buckets = model.requests.filter((b) => b.time >= from);
  const most = Math.max(1, ...buckets.map((b) => b.ok + b.failed + b.unknown));
  const parts = [s('text', { class: 'lane-name', x: 4, y: y + 17 }, 'clients')];
  const failed = buckets.reduce((n, b) => n + b.failed + b.unknown, 0);
  const ok = buckets.reduce((n, b) => n + b.ok, 0);
  parts.push(s('text', { class: 'mark-label', x: LEFT, y: y + 34 }, `${ok} ok · ${failed} failed or unknown`));
  for (const b of buckets) {
    const x0 = x(b.time);
    const w = Math.max(1, x(b.time + (b.span ?? model.requestBucketMs)) - x0 - 0.5);
    const hOk = (b.ok / most) * 22;
    const hBad = ((b.failed + b.unknown) / most) * 22;
    if (hOk) parts.push(s('rect', { class: 'req-ok', x: x0, y: y + 22 - hOk, width: w, height: hOk }));
    if (hBad)
      parts.push(
        s(
          'rect',
          { class: 'req-failed', x: x0, y: y + 22 - hOk - hBad, width: w, height: hBad },
          s('title', {}, `${b.failed} failed, ${b.unknown} unknown`),
        ),
      );
  }
  return parts;
}
