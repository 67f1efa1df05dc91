// @ts-check
/**
 * Where the clients' requests go, live: an arrow from the clients to each node they call, an
 * arrow from a standby to the active for what it forwards, and a dashed arrow back to the
 * clients for the 307s it answers, each labelled with its rate; beside it each node's counts
 * and median time by route. Rates are over the last status interval (about a second).
 */
import { h, reducedMotion, s } from './dom.js';

const ROUTES = /** @type {const} */ (['direct', 'forwarded', 'redirected']);
const ROW = 46;

/** "12/s", "0.5/s". @param {number} r */
const rate = (r) => `${r >= 10 ? Math.round(r) : Math.round(r * 10) / 10}/s`;

/** @param {string[]} nodes */
export function requestsPanel(nodes) {
  const height = 16 + nodes.length * ROW;
  const svg = s('svg', { class: 'flow', viewBox: `0 0 480 ${height}`, role: 'img', 'aria-label': 'where requests go' });
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'request-table' },
    h('caption', { class: 'visually-hidden' }, 'answers by node and route'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'node'), ...ROUTES.map((r) => h('th', { scope: 'col' }, r)))),
    body,
  );
  const el = h(
    'section',
    { class: 'requests', 'aria-labelledby': 'requests-title' },
    h('h2', { id: 'requests-title' }, 'Requests'),
    h('div', { class: 'requests-body' }, svg, table),
    h('p', { class: 'requests-note' }, 'Send with X-Vault-No-Request-Forwarding to a standby to get a 307 instead of a forward.'),
  );

  /** @param {import('./lab-model.js').LabModel} model */
  const update = (model) => {
    const y = (/** @type {number} */ i) => 12 + i * ROW + 14;
    const clientY = height / 2;
    const active = nodes.indexOf(model.active() ?? '');
    const moving = !reducedMotion();
    const parts = [
      s(
        'defs',
        {},
        s(
          'marker',
          { id: 'flow-head', viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 6, markerHeight: 6, orient: 'auto' },
          s('path', { d: 'M0 0 L8 4 L0 8 z' }),
        ),
      ),
      s('rect', { class: 'flow-box', x: 4, y: clientY - 16, width: 74, height: 32, rx: 6 }),
      s('text', { class: 'flow-name', x: 41, y: clientY + 5, 'text-anchor': 'middle' }, 'clients'),
    ];
    nodes.forEach((node, i) => {
      const r = model.requestRates[node] ?? {};
      const mode = model.nodes.get(node)?.ha_mode ?? '';
      const into = (r.direct ?? 0) + (r.forwarded ?? 0) + (r.redirected ?? 0);
      const busy = (/** @type {number} */ v) => (v > 0 ? ` busy${moving ? ' moving' : ''}` : '');
      parts.push(s('path', { class: `flow-line${busy(into)}`, d: `M78 ${clientY - 4} L268 ${y(i) - 4}`, 'marker-end': 'url(#flow-head)' }));
      if (into > 0)
        parts.push(s('text', { class: 'flow-rate', x: 180, y: (clientY + y(i)) / 2 - 10, 'text-anchor': 'middle' }, rate(into)));
      if ((r.redirected ?? 0) > 0) {
        parts.push(
          s('path', {
            class: `flow-line redirect${busy(r.redirected)}`,
            d: `M268 ${y(i) + 6} L78 ${clientY + 6}`,
            'marker-end': 'url(#flow-head)',
          }),
        );
        parts.push(
          s(
            'text',
            { class: 'flow-rate redirect-rate', x: 200, y: (clientY + y(i)) / 2 + 18, 'text-anchor': 'middle' },
            `307 ${rate(r.redirected)}`,
          ),
        );
      }
      if ((r.forwarded ?? 0) > 0 && active >= 0 && active !== i) {
        const x = 366 + 16 * Math.abs(active - i);
        parts.push(
          s('path', {
            class: `flow-line forward${busy(r.forwarded)}`,
            d: `M352 ${y(i)} C${x} ${y(i)} ${x} ${y(active)} 352 ${y(active)}`,
            'marker-end': 'url(#flow-head)',
          }),
        );
        parts.push(s('text', { class: 'flow-rate', x: x - 2, y: (y(i) + y(active)) / 2 + 4 }, `fwd ${rate(r.forwarded)}`));
      }
      parts.push(s('rect', { class: `flow-box flow-${mode}`, x: 270, y: y(i) - 16, width: 82, height: 32, rx: 6 }));
      parts.push(s('text', { class: 'flow-name', x: 311, y: y(i) - 2, 'text-anchor': 'middle' }, node));
      parts.push(s('text', { class: 'flow-mode', x: 311, y: y(i) + 11, 'text-anchor': 'middle' }, mode));
    });
    svg.replaceChildren(...parts);
    body.replaceChildren(
      ...nodes.map((node) => {
        const t = model.requestTotals[node];
        const cell = (/** @type {typeof ROUTES[number]} */ route) => {
          const c = t?.[route];
          if (!c || c.ok + c.failed === 0) return h('td', {}, '–');
          const failed = c.failed ? `, ${c.failed} failed` : '';
          return h('td', {}, `${c.ok + c.failed}${failed}`, h('br'), h('small', {}, c.p50_ms === null ? '' : `p50 ${c.p50_ms} ms`));
        };
        return h('tr', { 'data-requests-of': node }, h('th', { scope: 'row' }, node), ...ROUTES.map(cell));
      }),
    );
  };
  return { el, update };
}
