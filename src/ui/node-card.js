// @ts-check
/**
 * One node's card: its state in words (and a shape, and a colour), the lifecycle chart, the
 * unseal ring, term, zone, address, fault badges, and the verbs that act on it. Built once;
 * `update` changes text and attributes only, so a share being typed keeps its focus.
 */
import { h } from './dom.js';
import { processWords } from './etcd-panel.js';
import { stateChart } from './state-chart.js';
import { unsealRing } from './unseal-ring.js';

/** A symbol per mode, so the state reads without colour too. */
const MARKS = /** @type {Record<string, string>} */ ({
  active: '★',
  standby: '◆',
  sealed: '■',
  uninitialized: '○',
  down: '✕',
  paused: '⏸',
});

/**
 * @param {string} name
 * @param {(verb: string, body: Record<string, unknown>) => Promise<unknown>} act sends a verb; rejects with the lab's refusal
 */
export function nodeCard(name, act) {
  const chart = stateChart(name);
  const ring = unsealRing(
    name,
    (key) => act('unseal', { node: name, key }),
    () => act('unseal-reset', { node: name }),
  );
  const mode = h('span', { class: 'mode', 'data-role': 'mode' });
  const term = h('span', { class: 'term', 'data-role': 'term' });
  const zone = h('span', { class: 'zone', 'data-role': 'zone' });
  const address = h('span', { class: 'address' });
  const proc = h('span', { class: 'process', 'data-role': 'process' });
  const faults = h('ul', { class: 'faults', 'aria-label': `faults on ${name}` });
  /** @param {string} label @param {string} verb @param {Record<string, unknown>} body @param {string} title */
  const button = (label, verb, body, title) =>
    h(
      'button',
      {
        type: 'button',
        'data-action': verb === 'fault' ? `fault-${body.kind}` : verb,
        title,
        onclick: () => void act(verb, body).catch(() => undefined),
      },
      label,
    );
  const kill = button('Kill', 'kill', { node: name }, `Kill ${name}: it stops at once and abandons its lock`);
  const restart = button('Restart', 'restart', { node: name }, `Restart ${name}: it comes back sealed`);
  const cutPeers = button(
    'Cut peers 5 s',
    'fault',
    { node: name, kind: 'partition-peers', duration_ms: 5000 },
    `Cut ${name} off from the other nodes for 5 s: a standby cannot forward`,
  );
  const controls = h(
    'div',
    { class: 'controls', role: 'group', 'aria-label': `actions on ${name}` },
    kill,
    restart,
    button('Seal', 'seal', { node: name }, `Seal ${name}: its keys are wiped from memory`),
    button(
      'Pause 5 s',
      'fault',
      { node: name, kind: 'pause', duration_ms: 5000 },
      `Freeze ${name} for 5 s, as a long GC pause or SIGSTOP would`,
    ),
    button(
      'Cut storage 5 s',
      'fault',
      { node: name, kind: 'partition-storage', duration_ms: 5000 },
      `Cut ${name} off from storage for 5 s`,
    ),
    cutPeers,
  );
  const el = h(
    'article',
    { class: 'node-card', 'data-node': name, 'aria-labelledby': `title-${name}` },
    h('header', {}, h('h2', { id: `title-${name}` }, name), mode),
    h('div', { class: 'facts' }, term, zone, address, proc),
    faults,
    chart.svg,
    ring.el,
    controls,
  );

  /**
   * @param {import('./lab-model.js').NodeStatus} n
   * @param {import('./etcd-panel.js').NodeProcess} [p] its process, in a process lab
   */
  const update = (n, p) => {
    const m = n.ha_mode;
    el.dataset.mode = m;
    mode.textContent = `${MARKS[m] ?? ''} ${m}`;
    mode.className = `mode mode-${m}`;
    term.textContent = m === 'active' ? `term ${n.term}` : 'no term';
    zone.textContent = n.zone ? `zone ${n.zone}` : '';
    address.textContent = n.api_address;
    proc.textContent = p ? processWords(p) : '';
    proc.dataset.state = p?.state ?? '';
    // Nodes of a process lab reach each other over plain loopback: there is no peer link to cut.
    cutPeers.hidden = Boolean(p);
    faults.replaceChildren(...n.faults.map((f) => h('li', { class: 'badge' }, `⚠ ${f}`)));
    chart.show(m);
    const open = m === 'active' || m === 'standby';
    ring.show(n.progress ?? 0, n.t ?? 0, n.nonce ?? '', open || m === 'down' || m === 'uninitialized');
    ring.el.hidden = m === 'down' || m === 'uninitialized';
    kill.hidden = m === 'down';
    restart.hidden = m !== 'down';
  };
  return { el, update };
}
