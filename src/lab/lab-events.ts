/**
 * The lab's event stream, as the dashboard and any other watcher read it: the timeline's
 * events as they happen, the HA lock as storage decides it (grants, renewals, losses, and
 * writes it refuses from a stale term), and the lab's status, sent again soon after anything
 * happens and once a second besides, so a lease bar can count down between events.
 *
 * A lab pays nothing for it while nobody watches: the hub subscribes to the timeline and to
 * storage, and arms its status timer, only while it has at least one subscriber.
 */
import type { RequestRoute, RouteTally } from '../api/index.ts';
import type { TimerHandle } from '../clock/index.ts';
import type { Timings } from '../ha/index.ts';
import { StorageKeys, type StorageEvent } from '../storage/index.ts';
import type { Cluster } from './cluster.ts';
import { labStatus, type LabStatus } from './lab-status.ts';
import type { TimelineEvent } from './timeline.ts';

/** How many past timeline events a new subscriber gets, so a page opened late still shows what led here. */
const HELLO_TIMELINE_EVENTS = 200;

/** What a subscriber gets first: the lab as it is, and the recent past. */
export interface HelloMessage {
  time: number;
  timings: { lock_ttl_ms: number; renew_interval_ms: number; lock_delay_ms: number };
  fencing: boolean;
  topology: string | null;
  status: LabStatus;
  timeline: TimelineEvent[];
}

/** The HA lock as storage changed it: `holder` is the node's name. */
export interface LockMessage {
  time: number;
  event: 'acquired' | 'renewed' | 'released' | 'lost' | 'expired';
  holder: string;
  term: number;
  expires: number;
}

/** Storage refused a write of a deposed term (fencing at work). */
export interface FencedMessage {
  time: number;
  term: number;
  current_term: number;
}

/** One message of the stream, named as its SSE `event:` line names it. */
export type StreamMessage =
  | { event: 'hello'; data: HelloMessage }
  | { event: 'timeline'; data: TimelineEvent }
  | { event: 'lock'; data: LockMessage }
  | { event: 'fenced'; data: FencedMessage }
  | { event: 'status'; data: StatusMessage };

/**
 * The lab's status, the lab clock's time when it was read (a watcher's lease countdown needs
 * both), and each node's answers by route since watching began.
 */
export type StatusMessage = LabStatus & { time: number; requests: Record<string, Record<RequestRoute, RouteTally>> };

/** Where a subscriber's messages go. */
export type StreamSink = (m: StreamMessage) => void;

/** How often status is sent: soon after an event (coalesced), and at least this often while anyone watches. */
export interface HubPacing {
  /** Events within this window share one status message (default 100 ms). */
  coalesceMs?: number;
  /** Status while nothing happens, so a lease's countdown stays true (default 1 s). */
  everyMs?: number;
}

/** The lab's event stream, shared by every subscriber. */
export class LabEventHub {
  private readonly sinks = new Set<StreamSink>();
  private detach: (() => void) | undefined;
  private statusTimer: TimerHandle | undefined;
  private statusDueAt = Infinity;
  private readonly coalesceMs: number;
  private readonly everyMs: number;

  constructor(
    private readonly cluster: Cluster,
    pacing: HubPacing = {},
  ) {
    this.coalesceMs = pacing.coalesceMs ?? 100;
    this.everyMs = pacing.everyMs ?? 1000;
  }

  /** How many subscribers there are now. */
  get subscribers(): number {
    return this.sinks.size;
  }

  /** Whether the hub listens to the lab now (only while someone subscribes). */
  get attached(): boolean {
    return this.detach !== undefined;
  }

  /**
   * Subscribes: the sink gets `hello` first, then every message in order. Messages that
   * happen while hello is being read wait for it, so none is lost between the two.
   * Returns the unsubscribe function.
   */
  async subscribe(sink: StreamSink): Promise<() => void> {
    let pending: StreamMessage[] | undefined = [];
    const gated: StreamSink = (m) => (pending ? pending.push(m) : sink(m));
    this.sinks.add(gated);
    const unsubscribe = () => {
      this.sinks.delete(gated);
      if (this.sinks.size === 0) this.stop();
    };
    if (!this.detach) this.start();
    try {
      sink({ event: 'hello', data: await this.hello() });
    } catch (err) {
      unsubscribe();
      throw err;
    }
    const held = pending;
    pending = undefined;
    for (const m of held) sink(m);
    return unsubscribe;
  }

  private async hello(): Promise<HelloMessage> {
    const { cluster } = this;
    const t: Timings = cluster.timings;
    return {
      time: cluster.clock.now(),
      timings: { lock_ttl_ms: t.lockTtlMs, renew_interval_ms: t.renewIntervalMs, lock_delay_ms: t.lockDelayMs ?? 0 },
      fencing: cluster.backend.fences(),
      topology: cluster.network?.topology.name ?? null,
      status: await labStatus(cluster),
      timeline: cluster.timeline.events.slice(-HELLO_TIMELINE_EVENTS),
    };
  }

  private broadcast(m: StreamMessage): void {
    for (const sink of this.sinks) sink(m);
  }

  private start(): void {
    const { cluster } = this;
    const offTimeline = cluster.timeline.subscribe((e) => {
      this.broadcast({ event: 'timeline', data: e });
      this.statusSoon();
    });
    const offStorage = cluster.backend.onEvent((e) => this.fromStorage(e), ['lock', 'fenced']);
    // Each node's API counts its answers only while someone watches.
    for (const n of cluster.nodes) n.requests.on = true;
    this.detach = () => {
      offTimeline();
      offStorage();
      for (const n of cluster.nodes) n.requests.on = false;
    };
    this.armStatus(this.everyMs);
  }

  private stop(): void {
    this.detach?.();
    this.detach = undefined;
    this.cluster.clock.clearTimeout(this.statusTimer);
    this.statusTimer = undefined;
    this.statusDueAt = Infinity;
  }

  private fromStorage(e: StorageEvent): void {
    const time = this.cluster.clock.now();
    if (e.type === 'fenced') this.broadcast({ event: 'fenced', data: { time, term: e.term, current_term: e.currentTerm } });
    if (e.type !== 'lock' || e.key !== StorageKeys.lock) return;
    const holder = this.nodeOfHolder(e.holder);
    this.broadcast({ event: 'lock', data: { time, event: e.event, holder, term: e.term, expires: e.expires } });
    // A renewal moves only the lease, which the lock message carries; anything else changes who is active.
    if (e.event !== 'renewed') this.statusSoon();
  }

  /** The node a lock holder id belongs to: lab nodes take the lock as `<name>-<random>`. */
  private nodeOfHolder(holder: string): string {
    return this.cluster.nodes.find((n) => holder.startsWith(`${n.name}-`))?.name ?? holder;
  }

  private statusSoon(): void {
    this.armStatus(this.coalesceMs);
  }

  /** Arms the status timer to fire within `ms`, unless it is due sooner already. */
  private armStatus(ms: number): void {
    const { clock } = this.cluster;
    const at = clock.now() + ms;
    if (at >= this.statusDueAt) return;
    clock.clearTimeout(this.statusTimer);
    this.statusDueAt = at;
    this.statusTimer = clock.setTimeout(() => void this.sendStatus(), ms);
  }

  private async sendStatus(): Promise<void> {
    this.statusTimer = undefined;
    this.statusDueAt = Infinity;
    if (!this.attached) return;
    let status: LabStatus;
    try {
      status = await labStatus(this.cluster);
    } catch {
      // Storage could not be read (closed under a finished drill, or failing): the next timer tries again.
      if (this.attached) this.armStatus(this.everyMs);
      return;
    }
    // Everyone may have left while storage was read.
    if (!this.attached) return;
    const requests = Object.fromEntries(this.cluster.nodes.map((n) => [n.name, n.requests.snapshot()]));
    this.broadcast({ event: 'status', data: { time: this.cluster.clock.now(), ...status, requests } });
    this.armStatus(this.everyMs);
  }
}
