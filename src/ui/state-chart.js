// @ts-check
/**
 * A node's lifecycle machine as a state chart (the states and events of the node's xstate
 * machine), with the current state lit and each transition marked as it fires. Every state
 * is a word in a box, so the chart reads without colour.
 */
import { reducedMotion, s } from './dom.js';

/** The machine's states as the chart places them (x, y, width; all boxes 24 high). */
const STATES = {
  uninitialized: { x: 4, y: 6, w: 104, label: 'uninitialized' },
  sealed: { x: 136, y: 6, w: 72, label: 'sealed' },
  down: { x: 240, y: 6, w: 76, label: 'down' },
  standby: { x: 96, y: 86, w: 84, label: 'standby' },
  active: { x: 228, y: 86, w: 84, label: 'active' },
};

/** The machine's transitions drawn (from, to, label, path, label position). */
const EDGES = [
  { from: 'uninitialized', to: 'sealed', label: 'init', d: 'M108 18 H134', lx: 121, ly: 44 },
  { from: 'sealed', to: 'standby', label: 'unseal', d: 'M150 30 L134 84', lx: 112, ly: 62 },
  { from: 'standby', to: 'sealed', label: 'seal', d: 'M160 84 L176 32', lx: 182, ly: 62 },
  { from: 'standby', to: 'active', label: 'lock', d: 'M180 94 H226', lx: 203, ly: 88 },
  { from: 'active', to: 'standby', label: 'lost', d: 'M228 104 H182', lx: 205, ly: 122 },
  { from: 'down', to: 'sealed', label: 'restart', d: 'M240 18 H210', lx: 225, ly: 44 },
];

const ALIASES = /** @type {Record<string, string>} */ ({ stopped: 'down' });

/** Builds the chart for one node; returns it and a function that lights a state and marks a move. */
export function stateChart(/** @type {string} */ node) {
  const id = `arrow-${node}`;
  const svg = s(
    'svg',
    { class: 'state-chart', viewBox: '0 0 320 128', role: 'img', 'aria-label': `${node} lifecycle state chart` },
    s(
      'defs',
      {},
      s(
        'marker',
        { id, viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 6, markerHeight: 6, orient: 'auto' },
        s('path', { d: 'M0 0 L8 4 L0 8 z' }),
      ),
    ),
  );
  /** @type {Record<string, SVGElement>} */
  const boxes = {};
  /** @type {Record<string, SVGElement>} */
  const edges = {};
  for (const e of EDGES) {
    const g = s(
      'g',
      { class: 'edge', 'data-edge': `${e.from}-${e.to}` },
      s('path', { d: e.d, 'marker-end': `url(#${id})` }),
      s('text', { x: e.lx, y: e.ly, 'text-anchor': 'middle' }, e.label),
    );
    edges[`${e.from}-${e.to}`] = g;
    svg.append(g);
  }
  for (const [name, b] of Object.entries(STATES)) {
    const g = s(
      'g',
      { class: `state state-${name}`, 'data-state': name },
      s('rect', { x: b.x, y: b.y, width: b.w, height: 24, rx: 6 }),
      s('text', { x: b.x + b.w / 2, y: b.y + 16, 'text-anchor': 'middle' }, b.label),
    );
    boxes[name] = g;
    svg.append(g);
  }
  let current = '';
  /** Lights `state`; when it differs from the last one, marks the edge between them. @param {string} state */
  const show = (state) => {
    const to = ALIASES[state] ?? state;
    if (to === current) return;
    const from = current;
    current = to;
    for (const [name, g] of Object.entries(boxes)) g.classList.toggle('current', name === to);
    for (const g of Object.values(edges)) g.classList.remove('fired');
    const edge = edges[`${from}-${to}`];
    if (!edge) return;
    edge.classList.add('fired');
    if (!reducedMotion()) {
      edge.classList.remove('animate');
      void edge.getBoundingClientRect();
      edge.classList.add('animate');
    }
  };
  return { svg, show };
}
