// @ts-check
/**
 * What the dashboard knows about the lab, built only from the event stream's messages, so a
 * live lab and a replayed drill report draw through the same code. Between status messages
 * (which carry the truth as the lab reads it) the timeline's events move the model on their
 * own: a replay has nothing else.
 */

/**
 * @typedef {{ time: number, node: string, type: string, detail: string }} TimelineEvent
 * @typedef {{ name: string, api_address: string, initialized: boolean | null, sealed: boolean | null,
 *   t: number | null, n: number | null, progress: number | null, nonce: string | null,
 *   ha_mode: string, leader_address: string, term: number, faults: string[], zone?: string }} NodeStatus
 * @typedef {{ held: boolean, holder: string | null, holder_address: string | null, term: number | null,
 *   lease_remaining_ms: number | null, ttl_ms: number, renew_interval_ms: number }} LockStatus
 * @typedef {{ ok: number, failed: number, p50_ms: number | null }} RouteTally
 * @typedef {Record<'direct' | 'forwarded' | 'redirected', RouteTally>} NodeRequests
 * @typedef {import('./balancer-panel.js').BalancerStatus} BalancerStatus
 * @typedef {import('./etcd-panel.js').ProcessesStatus} ProcessesStatus
 * @typedef {{ nodes: NodeStatus[], lock: LockStatus, time: number, requests?: Record<string, NodeRequests>, balancer?: BalancerStatus,
 *   processes?: ProcessesStatus }} StatusMessage
 * @typedef {{ time: number, timings: { lock_ttl_ms: number, renew_interval_ms: number, lock_delay_ms: number },
 *   fencing: boolean, topology: string | null, status: NodeStatusList, timeline: TimelineEvent[] }} HelloMessage
 * @typedef {{ nodes: NodeStatus[], lock: LockStatus, balancer?: BalancerStatus, processes?: ProcessesStatus }} NodeStatusList
 * @typedef {{ time: number, event: string, holder: string, term: number, expires: number }} LockMessage
 * @typedef {{ time: number, term: number, current_term: number }} FencedMessage
 * @typedef {{ event: 'hello', data: HelloMessage } | { event: 'status', data: StatusMessage } |
 *   { event: 'timeline', data: TimelineEvent } | { event: 'lock', data: LockMessage } |
 *   { event: 'fenced', data: FencedMessage }} StreamMessage
 */

/** How many events the model keeps for the timeline and the narration. */
const KEPT_EVENTS = 2000;

/** How many lock renewals the lock panel marks. */
const KEPT_RENEWALS = 12;

/**
 * The lab as the page sees it. `now` is the lab clock's time of the latest message; the page
 * adds the time since then to count a lease down.
 */
export class LabModel {
  constructor() {
    /** @type {Map<string, NodeStatus>} */
    this.nodes = new Map();
    /** @type {{ holder: string | null, term: number | null, expires: number | null, held: boolean }} */
    this.lock = { holder: null, term: null, expires: null, held: false };
    this.timings = { lock_ttl_ms: 0, renew_interval_ms: 0, lock_delay_ms: 0 };
    this.fencing = true;
    /** @type {string | null} */
    this.topology = null;
    /** @type {TimelineEvent[]} */
    this.events = [];
    /** @type {number[]} */
    this.renewals = [];
    /** @type {FencedMessage | undefined} */
    this.lastFenced = undefined;
    /** Client outcomes per bucket: a replayed drill's, or a live lab's between status messages. @type {{ time: number, ok: number, failed: number, unknown: number, span?: number }[]} */
    this.requests = [];
    /** The width of a request bucket (ms). */
    this.requestBucketMs = 100;
    /** Each node's answers by route since watching began, as the latest status said. @type {Record<string, NodeRequests>} */
    this.requestTotals = {};
    /** Answers per second by node and route over the latest status interval. @type {Record<string, Record<string, number>>} */
    this.requestRates = {};
    /** When the latest request totals were read (lab clock). @type {number | undefined} */
    this.requestsAt = undefined;
    /** The balancer in front, as the latest status said; null without one. @type {BalancerStatus | null} */
    this.balancer = null;
    /** Connections per second the balancer sent each node over the latest status interval. @type {Record<string, number>} */
    this.balancerRates = {};
    /** When the balancer's view was read (lab clock). @type {number | undefined} */
    this.balancerAt = undefined;
    /** A process lab's processes (each node's, etcd's members), as the latest status said; null in one process. @type {ProcessesStatus | null} */
    this.processes = null;
    /** The lab clock at the latest message. */
    this.now = 0;
    /** Bumped on each message, so views redraw only what moved. */
    this.version = 0;
  }

  /** Applies one message of the stream. @param {StreamMessage} m */
  apply(m) {
    this.version++;
    switch (m.event) {
      case 'hello':
        this.timings = m.data.timings;
        this.fencing = m.data.fencing;
        this.topology = m.data.topology;
        this.events = m.data.timeline.slice(-KEPT_EVENTS);
        this.renewals = [];
        this.takeStatus({ ...m.data.status, time: m.data.time });
        return;
      case 'status':
        this.takeStatus(m.data);
        return;
      case 'timeline':
        this.takeEvent(m.data);
        return;
      case 'lock':
        this.takeLock(m.data);
        return;
      case 'fenced':
        this.now = Math.max(this.now, m.data.time);
        this.lastFenced = m.data;
        return;
    }
  }

  /** @param {StatusMessage} s */
  takeStatus(s) {
    if (s.requests) this.takeRequests(s.requests, s.time);
    this.takeBalancer(s.balancer ?? null, s.time);
    this.processes = s.processes ?? null;
    this.now = Math.max(this.now, s.time);
    this.nodes = new Map(s.nodes.map((n) => [n.name, n]));
    const l = s.lock;
    const expires = l.held && l.lease_remaining_ms !== null ? s.time + l.lease_remaining_ms : null;
    this.lock = { held: l.held, holder: l.holder, term: l.term, expires };
  }

  /**
   * New request totals: the rates since the last ones, and a bucket for the clients' lane
   * (answers below 500 ok, 5xx failed) spanning the interval.
   * @param {Record<string, NodeRequests>} totals @param {number} time
   */
  takeRequests(totals, time) {
    const since = this.requestsAt;
    this.requestsAt = time;
    const before = this.requestTotals;
    this.requestTotals = totals;
    if (since === undefined || time <= since) return;
    const seconds = (time - since) / 1000;
    let ok = 0;
    let failed = 0;
    /** @type {Record<string, Record<string, number>>} */
    const rates = {};
    for (const [node, routes] of Object.entries(totals)) {
      rates[node] = {};
      for (const [route, t] of Object.entries(routes)) {
        const was = before[node]?.[/** @type {keyof NodeRequests} */ (route)] ?? { ok: 0, failed: 0 };
        const dOk = Math.max(0, t.ok - was.ok);
        const dFailed = Math.max(0, t.failed - was.failed);
        rates[node][route] = (dOk + dFailed) / seconds;
        ok += dOk;
        failed += dFailed;
      }
    }
    this.requestRates = rates;
    this.requests.push({ time: since, ok, failed, unknown: 0, span: time - since });
    while (this.requests.length && this.requests[0].time < time - 120_000) this.requests.shift();
  }

  /**
   * The balancer's new view, and each node's connections per second since the last one.
   * @param {BalancerStatus | null} b @param {number} time
   */
  takeBalancer(b, time) {
    const before = this.balancer;
    const since = this.balancerAt;
    this.balancer = b;
    this.balancerAt = time;
    if (!b || !before || since === undefined || time <= since) return;
    const seconds = (time - since) / 1000;
    this.balancerRates = Object.fromEntries(
      b.servers.map((s) => [
        s.name,
        Math.max(0, s.sessions.total - (before.servers.find((x) => x.name === s.name)?.sessions.total ?? 0)) / seconds,
      ]),
    );
  }

  /** @param {LockMessage} m */
  takeLock(m) {
    this.now = Math.max(this.now, m.time);
    if (m.event === 'renewed') {
      this.renewals = [...this.renewals, m.time].slice(-KEPT_RENEWALS);
      this.lock = { ...this.lock, expires: m.expires };
      return;
    }
    if (m.event === 'acquired') {
      this.renewals = [];
      this.lock = { held: true, holder: m.holder, term: m.term, expires: m.expires };
      return;
    }
    // released, lost or expired: nobody holds it until the next grant.
    this.lock = { held: false, holder: null, term: m.term, expires: null };
  }

  /** A timeline event: kept, and moving the node it names when no status has said so yet. @param {TimelineEvent} e */
  takeEvent(e) {
    this.now = Math.max(this.now, e.time);
    this.events.push(e);
    if (this.events.length > KEPT_EVENTS) this.events.splice(0, this.events.length - KEPT_EVENTS);
    const node = this.nodes.get(e.node);
    if (node) this.nodes.set(e.node, { ...node, ...movedBy(e, node) });
  }

  /** The lease left (ms) at lab time `at`, or null when nobody holds the lock. @param {number} at */
  leaseLeft(at) {
    if (!this.lock.held || this.lock.expires === null) return null;
    return Math.max(0, this.lock.expires - at);
  }

  /** The active node's name, if exactly one node is active. */
  active() {
    const actives = [...this.nodes.values()].filter((n) => n.ha_mode === 'active');
    return actives.length === 1 ? actives[0].name : undefined;
  }
}

/**
 * What a timeline event changes about its node: its state (and progress, which only a sealed
 * node keeps), its term when it took the lock, its unseal progress.
 * @param {TimelineEvent} e @param {NodeStatus} node @returns {Partial<NodeStatus>}
 */
function movedBy(e, node) {
  const to = stateOfEvent(e);
  if (to) return { ha_mode: to, progress: to === 'sealed' ? node.progress : 0 };
  const term = e.type === 'lock-acquired' ? /^term (\d+)/.exec(e.detail) : null;
  if (term) return { term: Number(term[1]) };
  const progress = e.type === 'unseal' ? /^(\d+)\/(\d+)$/.exec(e.detail) : null;
  if (progress) return { progress: Number(progress[1]), t: Number(progress[2]) };
  return {};
}

/**
 * The machine state a timeline event moves its node to ("sealed → standby"; a kill, or a node
 * process's exit, is down; a new node process starts sealed). @param {TimelineEvent} e
 */
export function stateOfEvent(e) {
  if (e.type === 'fault' && e.detail === 'kill') return 'down';
  if (e.type === 'process') return / exited /.test(e.detail) ? 'down' : / started$/.test(e.detail) ? 'sealed' : undefined;
  if (e.type !== 'state') return undefined;
  const to = e.detail.split('→')[1]?.trim();
  return to === 'stopped' ? 'down' : to;
}
