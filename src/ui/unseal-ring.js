// @ts-check
/**
 * One node's unseal ring, as Vault's UI draws it ("2/3 keys provided"), with the attempt's
 * nonce and a masked share input. Progress is per node: the ring of node2 does not move
 * when node1 takes a share, and the page says so.
 */
import { h, s } from './dom.js';

const R = 26;
const CIRCUMFERENCE = 2 * Math.PI * R;

/**
 * @param {string} node
 * @param {(key: string) => Promise<unknown>} enter
 * @param {() => Promise<unknown>} reset
 */
export function unsealRing(node, enter, reset) {
  const arc = s('circle', {
    class: 'ring-arc',
    cx: 32,
    cy: 32,
    r: R,
    'stroke-dasharray': `0 ${CIRCUMFERENCE}`,
    transform: 'rotate(-90 32 32)',
  });
  const count = s('text', { class: 'ring-count', x: 32, y: 37, 'text-anchor': 'middle' }, '0/3');
  const ring = s(
    'svg',
    { class: 'ring', viewBox: '0 0 64 64', 'aria-hidden': 'true' },
    s('circle', { class: 'ring-track', cx: 32, cy: 32, r: R }),
    arc,
    count,
  );
  const words = h('span', { class: 'ring-words', 'data-role': 'progress' }, '0/3 keys provided');
  const nonce = h('span', { class: 'nonce', 'data-role': 'nonce' }, 'no attempt in progress');
  const input = h('input', {
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    id: `share-${node}`,
    'data-role': 'share',
    'aria-describedby': `ring-${node}`,
  });
  const message = h('p', { class: 'ring-message', role: 'alert', 'data-role': 'unseal-message' });
  /** @param {() => Promise<unknown>} act */
  const run = async (act) => {
    message.textContent = '';
    try {
      await act();
    } catch (err) {
      message.textContent = /** @type {Error} */ (err).message;
    }
  };
  const form = h(
    'form',
    {
      class: 'share-form',
      onsubmit: (e) => {
        e.preventDefault();
        const key = input.value;
        input.value = '';
        void run(() => enter(key));
      },
    },
    h('label', { for: `share-${node}` }, `Unseal key share for ${node}`),
    h(
      'div',
      { class: 'share-row' },
      input,
      h('button', { type: 'submit', 'data-action': 'unseal' }, 'Enter share'),
      h('button', { type: 'button', 'data-action': 'unseal-reset', onclick: () => void run(reset) }, 'Reset'),
    ),
  );
  const el = h(
    'div',
    { class: 'unseal', id: `ring-${node}` },
    h('div', { class: 'ring-row' }, ring, h('div', { class: 'ring-text' }, words, nonce)),
    form,
    message,
  );

  /** Shows progress `p` of threshold `t` and the attempt's nonce; `open` hides the input once unsealed. */
  const show = (/** @type {number} */ p, /** @type {number} */ t, /** @type {string} */ n, /** @type {boolean} */ open) => {
    const frac = t > 0 ? Math.min(1, p / t) : 0;
    arc.setAttribute('stroke-dasharray', `${frac * CIRCUMFERENCE} ${CIRCUMFERENCE}`);
    count.textContent = open ? '✓' : `${p}/${t}`;
    words.textContent = open ? 'unsealed' : `${p}/${t} keys provided`;
    nonce.textContent = n ? `nonce ${n.slice(0, 8)}…` : 'no attempt in progress';
    nonce.title = n;
    form.hidden = open;
    el.dataset.progress = String(p);
  };
  return { el, show };
}
