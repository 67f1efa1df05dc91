// @ts-check
/**
 * The load balancer in front of the lab (`up --lb`, the balancer drills): where clients
 * connect, what its check asks, and per node the check's state as the balancer sees it
 * (UP, DOWN, or on its way: "UP 2/3"), the last check's result, and the connections it sent
 * there (in all, and per second since the last status). A node out of rotation is marked by
 * a word and a mark, not colour alone.
 */
import { h } from './dom.js';

/**
 * @typedef {{ name: string, up: boolean, status: string, last_check: string, sessions: { total: number, current: number } }} BalancerServer
 * @typedef {{ url: string, kind: 'builtin' | 'haproxy', mode: 'active' | 'standby-ok', check: string,
 *   servers: BalancerServer[], error?: string }} BalancerStatus
 */

export function balancerPanel() {
  const about = h('p', { class: 'balancer-about' });
  const rows = h('tbody', {});
  const el = h(
    'section',
    { class: 'balancer-panel', 'aria-labelledby': 'balancer-title' },
    h('h2', { id: 'balancer-title' }, 'Load balancer'),
    about,
    h(
      'table',
      { class: 'balancer-servers' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Node'), h('th', {}, 'Check'), h('th', {}, 'Last'), h('th', {}, 'Conns'))),
      rows,
    ),
  );

  /** @param {import('./lab-model.js').LabModel} model */
  const update = (model) => {
    const b = model.balancer;
    el.hidden = !b;
    if (!b) return;
    const who = b.mode === 'active' ? 'only the active passes' : 'standbys pass too';
    about.textContent = `${b.kind === 'haproxy' ? 'HAProxy' : 'built-in'} at ${b.url}: ${b.check}; ${who}${b.error ? ` (${b.error})` : ''}`;
    rows.replaceChildren(
      ...b.servers.map((s) => {
        const rate = model.balancerRates[s.name];
        const conns = `${s.sessions.total}${rate ? ` · ${rate.toFixed(1)}/s` : ''}`;
        return h(
          'tr',
          { 'data-balancer-node': s.name, 'data-status': s.status, 'data-up': String(s.up) },
          h('td', {}, s.name),
          h('td', { class: s.up ? 'check-up' : 'check-down' }, `${s.up ? '▲' : '▼'} ${s.status}`),
          h('td', {}, s.last_check || '–'),
          h('td', {}, conns),
        );
      }),
    );
  };
  return { el, update };
}
