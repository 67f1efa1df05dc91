// @ts-check
/**
 * A process lab's etcd (`up --processes`): each member the lab started, its process (pid, or
 * stopped, or SIGSTOPped), its health as its own /health endpoint answers, which one leads, and
 * whether a majority is healthy (without one, no write and no lock: no active). Faults on a
 * member, and the loss of the quorum, as `vaultlab fault etcd` sends them. An etcd the lab did
 * not start (`--etcd URLS`) is shown by its endpoints only: its members are not the lab's to fault.
 */
import { h } from './dom.js';

/**
 * @typedef {{ name: string, client_url: string, pid: number | null, state: 'running' | 'paused' | 'stopped',
 *   healthy: boolean, leader: boolean }} EtcdMember
 * @typedef {{ name: string, pid: number | null, state: 'running' | 'paused' | 'stopped', config: string, log: string }} NodeProcess
 * @typedef {{ nodes: NodeProcess[], etcd: EtcdMember[], etcd_endpoints: string[] }} ProcessesStatus
 */

/** A process's state in words: a pid and what the operating system has it doing. @param {{ pid: number | null, state: string }} p */
export function processWords(p) {
  if (p.state === 'stopped' || p.pid === null) return 'no process';
  return `pid ${p.pid}${p.state === 'paused' ? ' · SIGSTOP' : ''}`;
}

/** @param {(verb: string, body: Record<string, unknown>) => Promise<unknown>} act sends a verb; rejects with the lab's refusal */
export function etcdPanel(act) {
  const about = h('p', { class: 'etcd-about' });
  const quorum = h('p', { class: 'etcd-quorum', 'data-role': 'quorum', role: 'status' });
  const rows = h('tbody', {});
  /** @param {Record<string, unknown>} body */
  const send = (body) => void act('fault-etcd', body).catch(() => undefined);
  const loseQuorum = h(
    'button',
    {
      type: 'button',
      'data-action': 'etcd-quorum',
      title: 'Kill a majority of etcd members for 10 s: no write, no lock, no active until they are back',
      onclick: () => send({ member: '', kind: 'quorum', duration_ms: 10_000 }),
    },
    'Lose quorum 10 s',
  );
  const table = h(
    'table',
    { class: 'etcd-members' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Member'), h('th', {}, 'Process'), h('th', {}, 'Health'), h('th', {}, 'Actions'))),
    rows,
  );
  const el = h(
    'section',
    { class: 'etcd-panel', 'aria-labelledby': 'etcd-title' },
    h('h2', { id: 'etcd-title' }, 'Storage: etcd'),
    about,
    quorum,
    table,
    loseQuorum,
  );

  /** The verbs on one member: kill or restart, and a pause. @param {EtcdMember} m */
  const actions = (m) => {
    /** @param {string} label @param {string} kind @param {number | undefined} ms @param {string} title */
    const button = (label, kind, ms, title) =>
      h(
        'button',
        { type: 'button', 'data-action': `etcd-${kind}`, title, onclick: () => send({ member: m.name, kind, duration_ms: ms }) },
        label,
      );
    if (m.state === 'stopped') return [button('Restart', 'restart', undefined, `Start ${m.name} again on its data`)];
    return [
      button('Kill', 'kill', undefined, `SIGKILL ${m.name}: it stays down until Restart or Heal`),
      m.state === 'running' && button('Pause 5 s', 'pause', 5000, `SIGSTOP ${m.name} for 5 s`),
    ];
  };

  /** @param {import('./lab-model.js').LabModel} model */
  const update = (model) => {
    const p = model.processes;
    el.hidden = !p || p.etcd_endpoints.length === 0;
    if (!p || el.hidden) return;
    const own = p.etcd.length > 0;
    about.textContent = own
      ? `${p.etcd.length} members started by the lab (★ leads); the nodes reach them through the lab's links`
      : `an etcd the lab did not start: ${p.etcd_endpoints.join(', ')}`;
    table.hidden = !own;
    loseQuorum.hidden = !own;
    const healthy = p.etcd.filter((m) => m.healthy).length;
    const majority = Math.floor(p.etcd.length / 2) + 1;
    quorum.hidden = !own;
    quorum.dataset.quorum = String(healthy >= majority);
    quorum.textContent =
      healthy >= majority
        ? `quorum: ${healthy} of ${p.etcd.length} healthy (${majority} needed)`
        : `⚠ no quorum: ${healthy} of ${p.etcd.length} healthy, ${majority} needed: no write, no lock, no active`;
    rows.replaceChildren(
      ...p.etcd.map((m) =>
        h(
          'tr',
          { 'data-etcd-member': m.name, 'data-state': m.state, 'data-healthy': String(m.healthy), 'data-leader': String(m.leader) },
          h('td', { title: m.leader ? `${m.name} leads etcd's raft` : undefined }, `${m.leader ? '★ ' : ''}${m.name}`),
          h('td', {}, processWords(m)),
          h('td', { class: m.healthy ? 'check-up' : 'check-down' }, m.healthy ? '▲ healthy' : '▼ unhealthy'),
          h('td', { class: 'etcd-actions' }, ...actions(m)),
        ),
      ),
    );
  };
  return { el, update };
}
