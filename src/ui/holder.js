// @ts-check
/**
 * A key holder's page: one share (theirs, masked until asked), each node's unseal progress,
 * and a button per node to enter the share into it. It follows the lab's event stream with the
 * holder's credential, which lets it do nothing else.
 */
import { h } from './dom.js';
import { followLab, labAction } from './lab-stream.js';
import { LabModel } from './lab-model.js';

const credential = new URLSearchParams(location.hash.slice(1)).get('holder') ?? '';
const authorization = `Holder ${credential}`;
const model = new LabModel();
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const problem = $('problem');
const share = /** @type {HTMLInputElement} */ ($('my-share'));

/** Enters this holder's share into `node`; the answer's progress shows through the stream. @param {string} node */
async function enter(node) {
  problem.textContent = '';
  try {
    await labAction(authorization, 'holder-unseal', { node });
  } catch (err) {
    problem.textContent = `${node}: ${/** @type {Error} */ (err).message}`;
  }
}

function draw() {
  $('holder-nodes').replaceChildren(
    ...[...model.nodes.values()].map((n) => {
      const sealed = n.ha_mode === 'sealed';
      const state = sealed ? `sealed, ${n.progress ?? 0}/${n.t ?? '?'} keys provided` : n.ha_mode;
      return h(
        'li',
        { 'data-holder-node': n.name, 'data-mode': n.ha_mode },
        h('strong', {}, n.name),
        h('span', { 'data-role': 'holder-progress' }, ` ${state} `),
        h(
          'button',
          { type: 'button', disabled: !sealed, 'data-action': 'enter-share', onclick: () => void enter(n.name) },
          `Enter my share into ${n.name}`,
        ),
      );
    }),
  );
}

async function main() {
  $('reveal').addEventListener('click', () => {
    const show = share.type === 'password';
    share.type = show ? 'text' : 'password';
    $('reveal').textContent = show ? 'Hide' : 'Show';
    $('reveal').setAttribute('aria-pressed', String(show));
  });
  if (!credential) {
    problem.textContent = 'This page needs a key holder link: ask the lab for one.';
    return;
  }
  history.replaceState(null, '', location.pathname);
  try {
    const me = /** @type {{ index: number, shares: number, threshold: number, share: string }} */ (
      await labAction(authorization, 'holder', null)
    );
    $('holder-title').textContent = `Key holder ${me.index} of ${me.shares}`;
    share.value = me.share;
    $('share-note').textContent =
      `It unseals nothing alone: ${me.threshold} of the ${me.shares} holders must each enter theirs into the same node.`;
  } catch (err) {
    problem.textContent = /** @type {Error} */ (err).message;
    return;
  }
  void followLab(
    authorization,
    (m) => {
      model.apply(m);
      if (m.event !== 'lock') draw();
    },
    (state, why) => {
      $('connection').textContent = state === 'live' ? '● live' : state === 'reconnecting' ? '◌ reconnecting…' : '✕ refused';
      $('connection').dataset.state = state;
      if (why) problem.textContent = why;
    },
    new AbortController().signal,
  );
}

void main();
