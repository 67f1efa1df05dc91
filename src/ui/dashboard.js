// @ts-check
/**
 * The dashboard's entry: follows the lab's event stream into the live model and draws the
 * shown model (the live one, or a replayed drill at the scrubbed time) into the node cards,
 * the lock, the timeline and the narration. Verbs go to the control plane as POSTs carrying
 * the lab's secret; a replay takes none.
 */
import { h } from './dom.js';
import { followLab, labAction, secretFromLocation } from './lab-stream.js';
import { LabModel } from './lab-model.js';
import { balancerPanel } from './balancer-panel.js';
import { etcdPanel } from './etcd-panel.js';
import { lockPanel } from './lock-panel.js';
import { networkPanel } from './network-panel.js';
import { nodeCard } from './node-card.js';
import { replayBar } from './replay-bar.js';
import { requestsPanel } from './requests-panel.js';
import { timelineLanes } from './timeline-lanes.js';

const secret = secretFromLocation();
const live = new LabModel();
/** What the page draws: the live lab, or a drill replay at its scrubbed time. */
let shown = live;
/** A replay's whole span (its lanes show all of it, its times count from its start); undefined live. */
let replaySpan = /** @type {{ start: number, end: number } | undefined} */ (undefined);
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const connection = $('connection');
const nodesEl = $('nodes');
const narration = $('narration');
const announce = $('announce');
const problem = $('problem');
const lock = lockPanel();
$('lock').replaceWith(lock.el);
const balancer = balancerPanel();
$('balancer').replaceWith(balancer.el);
const etcd = etcdPanel((verb, body) => act(verb, body));
$('etcd').replaceWith(etcd.el);

/** @type {Map<string, ReturnType<typeof nodeCard>>} */
let cards = new Map();
/** @type {ReturnType<typeof timelineLanes> | undefined} */
let lanes;
/** @type {ReturnType<typeof requestsPanel> | undefined} */
let requests;
let lanesKey = '';
/** When (page time) the latest live message came, to count the lab clock on between messages. */
let heardAt = performance.now();
let lastActive = /** @type {string | undefined} */ (undefined);

/**
 * Sends a verb (a GET when body is null) and returns its result; a refusal is shown in the
 * control plane's words (in the problem line, or for a share at the ring it was typed into) and rethrown.
 * @param {string} verb @param {Record<string, unknown> | null} body
 */
async function act(verb, body) {
  problem.textContent = '';
  try {
    return await labAction(`Bearer ${secret}`, verb, body);
  } catch (err) {
    if (!verb.startsWith('unseal')) problem.textContent = `${verb}: ${/** @type {Error} */ (err).message}`;
    throw err;
  }
}

/** Builds the cards and lanes for the shown model's nodes (again when they change). */
function build() {
  const names = [...shown.nodes.keys()];
  const key = `${names.join()}${shown.processes ? ' processes' : ''}`;
  if (key === lanesKey) return;
  lanesKey = key;
  cards = new Map(names.map((n) => [n, nodeCard(n, act)]));
  nodesEl.replaceChildren(...[...cards.values()].map((c) => c.el));
  document.body.dataset.nodes = String(names.length);
  // A process lab's nodes count their answers in their own processes, out of the lab's sight: no clients' lane, no requests panel.
  const counted = !shown.processes;
  lanes = timelineLanes(names, { clients: counted });
  $('timeline').replaceChildren(lanes.el);
  requests = counted ? requestsPanel(names) : undefined;
  $('requests').replaceChildren(...(requests ? [requests.el] : []));
  // Links to fault exist only in a lab with a topology.
  $('network').replaceChildren(...(shown === live && live.topology ? [networkPanel(names, live.topology, act).el] : []));
}

/** The shown model's clock now: live, the latest message's time plus the page time since; a replay, its scrubbed time. */
const shownNow = () => (shown === live ? live.now + (performance.now() - heardAt) : shown.now);

/** One line of narration per event, newest first: at the lab clock's time, or a replay's time since its start. @param {import('./lab-model.js').TimelineEvent} e */
function eventLine(e) {
  const at = replaySpan ? `${((e.time - replaySpan.start) / 1000).toFixed(3)} s` : new Date(e.time).toISOString().slice(11, 23);
  return h('li', { 'data-type': e.type }, h('time', {}, at), ` ${e.node} `, h('strong', {}, e.type), ` ${e.detail}`);
}

function drawNodes() {
  for (const [name, card] of cards) {
    const n = shown.nodes.get(name);
    if (n)
      card.update(
        n,
        shown.processes?.nodes.find((p) => p.name === name),
      );
  }
  narration.replaceChildren(...shown.events.slice(-12).reverse().map(eventLine));
  requests?.update(shown);
  balancer.update(shown);
  etcd.update(shown);
  // A process lab's storage is a real etcd (its faults are in the etcd panel), and its key holders' links are not built yet.
  $('slow-storage').hidden = Boolean(shown.processes);
  $('key-holders-open').hidden = Boolean(shown.processes);
  const active = shown.active();
  document.body.dataset.active = active ?? '';
  if (active !== lastActive) {
    announce.textContent = active ? `${active} is now active (term ${shown.nodes.get(active)?.term})` : 'no node is active';
    lastActive = active;
  }
}

/** @param {import('./lab-model.js').StreamMessage} m */
function onMessage(m) {
  live.apply(m);
  heardAt = performance.now();
  if (shown !== live) return;
  if (m.event === 'hello') build();
  if (m.event !== 'lock') drawNodes();
}

/** @param {'live' | 'reconnecting' | 'refused'} state @param {string} [why] */
function onState(state, why) {
  connection.textContent = state === 'live' ? '● live' : state === 'reconnecting' ? '◌ reconnecting…' : '✕ refused';
  connection.dataset.state = state;
  if (why) problem.textContent = `the lab refused this page: ${why}. Open the address \`vaultlab ui\` prints.`;
}

/** The moving parts (lease bar, lanes) redraw a few times a second, whatever the stream does. */
function tick() {
  const now = shownNow();
  lock.update(shown, now);
  lanes?.update(shown, now, replaySpan);
  $('clock').textContent = replaySpan
    ? `drill time ${((now - replaySpan.start) / 1000).toFixed(2)} s`
    : `lab time ${new Date(now).toISOString().slice(11, 21)}`;
}

/**
 * Shows another model (a replay's, or the live one again) in full.
 * @param {LabModel} model @param {{ start: number, end: number }} [span] a replay's span
 */
function show(model, span) {
  shown = model;
  replaySpan = span;
  build();
  drawNodes();
  tick();
}

function wireGlobalControls() {
  /** @param {string} id @param {string} verb @param {Record<string, unknown>} body */
  const on = (id, verb, body = {}) => $(id).addEventListener('click', () => void act(verb, body).catch(() => undefined));
  on('step-down', 'step-down');
  on('slow-storage', 'fault', { node: 'storage', kind: 'slow-storage', duration_ms: 10_000 });
  on('heal', 'heal');
  on('unseal-all', 'unseal-all');
  const help = /** @type {HTMLDialogElement} */ ($('help'));
  $('help-open').addEventListener('click', () => help.showModal());
  document.addEventListener('keydown', (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    if (target.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '?') help.showModal();
    else if (shown !== live) return;
    else if (e.key === 'd') $('step-down').click();
    else if (e.key === 'h') $('heal').click();
    else if (/^[1-9]$/.test(e.key))
      /** @type {HTMLElement | undefined} */ ([...cards.values()][Number(e.key) - 1]?.el.querySelector('button:not([hidden])'))?.focus();
  });
}

/** The key holders' dialog: one link per share, each with a copy button. */
function wireKeyHolders() {
  const dialog = /** @type {HTMLDialogElement} */ ($('key-holders'));
  $('key-holders-open').addEventListener('click', async () => {
    const answer = /** @type {{ holders: { index: number, url: string }[] }} */ (await act('holders', null).catch(() => undefined));
    if (!answer) return;
    $('holder-links').replaceChildren(
      ...answer.holders.map(({ index, url }) => {
        const field = h('input', { readonly: true, value: url, 'aria-label': `link for key holder ${index}`, 'data-holder-link': index });
        const copy = h(
          'button',
          { type: 'button', onclick: () => void navigator.clipboard?.writeText(url).catch(() => field.select()) },
          'Copy',
        );
        return h('li', {}, h('span', {}, `holder ${index}`), field, copy);
      }),
    );
    dialog.showModal();
  });
}

function wireReplay() {
  const replay = replayBar({
    show: (player, time) => show(player.modelAt(time), { start: player.start, end: player.end }),
    live: () => show(live),
    problem: (text) => (problem.textContent = text),
  });
  $('replay-open').replaceWith(replay.open, replay.file);
  $('replay').replaceWith(replay.bar);
}

function main() {
  wireGlobalControls();
  wireKeyHolders();
  wireReplay();
  if (!secret) {
    onState('refused');
    problem.textContent =
      "This page needs the lab's secret in its address: open the one `vaultlab ui` prints (a drill report opens without it).";
    return;
  }
  // Drop the secret from the address bar and history; the page keeps it in memory only.
  history.replaceState(null, '', location.pathname);
  void followLab(`Bearer ${secret}`, onMessage, onState, new AbortController().signal);
  setInterval(tick, 200);
}

main();
