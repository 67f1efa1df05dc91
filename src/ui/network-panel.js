// @ts-check
/**
 * The lab's network, for a lab started with a topology: lay latency or a partition on the link
 * between two ends (a node, the clients, storage), as `vaultlab fault link A B ...` does.
 * Heal (at the top) lifts them all.
 */
import { h } from './dom.js';

/**
 * @param {string[]} nodes
 * @param {string} topology
 * @param {(verb: string, body: Record<string, unknown>) => Promise<unknown>} act
 */
export function networkPanel(nodes, topology, act) {
  const ends = [...nodes, 'client', 'storage'];
  const select = (/** @type {string} */ label, /** @type {string} */ chosen) =>
    h('select', { 'aria-label': label }, ...ends.map((e) => h('option', { value: e, selected: e === chosen }, e)));
  const from = select('one end of the link', nodes[0]);
  const to = select('the other end of the link', 'client');
  const ms = h('input', { type: 'number', min: 0, max: 10000, step: 10, value: 50, 'aria-label': 'latency in ms', class: 'ms' });
  const send = (/** @type {string[]} */ words) => void act('fault-link', { from: from.value, to: to.value, words }).catch(() => undefined);
  const el = h(
    'section',
    { class: 'network', 'aria-labelledby': 'network-title' },
    h('h2', { id: 'network-title' }, `Network (${topology})`),
    h('div', { class: 'link-row' }, from, h('span', {}, '↔'), to),
    h(
      'div',
      { class: 'link-row' },
      ms,
      h('span', {}, 'ms'),
      h(
        'button',
        { type: 'button', 'data-action': 'link-latency', onclick: () => send([`latency=${Number(ms.value) || 0}ms`]) },
        'Set latency',
      ),
      h('button', { type: 'button', 'data-action': 'link-partition', onclick: () => send(['partition']) }, 'Partition'),
    ),
  );
  return { el };
}
