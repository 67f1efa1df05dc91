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
import type { Clock, TimerHandle } from '../clock/index.ts';
import type { Timings } from '../ha/index.ts';
import type { LabStatus } from './lab-status.ts';
import type { TimelineEvent } from './timeline.ts';

/** How many past timeline events a new subscriber gets, so a page opened late still shows what led here. */
export const HELLO_TIMELINE_EVENTS = 200;

/** What a subscriber gets first: the lab as it is, and the recent past. */
export interface HelloMessage {
  time: number;
  timings: { lock_ttl_ms: number; renew_interval_ms: number; lock_delay_ms: number };
  fencing: boolean;
  topology: string | null;
  status: LabStatus;
  timeline: TimelineEvent[];
}

/** Hello's timings, in the stream's words. */
export function helloTimings(t: Timings): HelloMessage['timings'] {
  return { lock_ttl_ms: t.lockTtlMs, renew_interval_ms: t.renewIntervalMs, lock_delay_ms: t.lockDelayMs ?? 0 };
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
 * both), and each node's answers by route since watching began (where the lab counts them: an
 * in-process lab does, a process lab's nodes count in their own processes).
 */
export type StatusMessage = LabStatus & { time: number; requests?: NodeRequestTallies };

/** Each node's answers by route. */
export type NodeRequestTallies = Record<string, Record<RequestRoute, RouteTally>>;

/** Where a lab's events go while the hub is attached to it. */
export interface LabFeed {
  timeline(e: TimelineEvent): void;
  lock(m: LockMessage): void;
  fenced(m: FencedMessage): void;
}

/**
 * What the hub reads a lab through: an in-process cluster (cluster-events.ts) or a process
 * lab, whose nodes tell it what they saw through their event logs (processes/process-events.ts).
 */
export interface LabEventSource {
  /** The lab's clock: it stamps every message and paces status. */
  readonly clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
  /** What hello says besides the time and status: timings, fencing, topology and the recent timeline. */
  hello(): Omit<HelloMessage, 'time' | 'status'>;
  /** The lab's status now. */
  status(): Promise<LabStatus>;
  /** Each node's answers by route since the source was attached, where the lab counts them. */
  requests?(): NodeRequestTallies;
  /** Feeds the lab's events to `feed` until the returned function is called. */
  attach(feed: LabFeed): () => void;
}

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
    private readonly source: LabEventSource,
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
      // The past as it stands now: what happens from here on is held in `pending`, so nothing is told twice.
      const past = { time: this.source.clock.now(), ...this.source.hello() };
      sink({ event: 'hello', data: { ...past, status: await this.source.status() } });
    } catch (err) {
      unsubscribe();
      throw err;
    }
    const held = pending;
    pending = undefined;
    for (const m of held) sink(m);
    return unsubscribe;
  }

  private broadcast(m: StreamMessage): void {
    for (const sink of this.sinks) sink(m);
  }

  private start(): void {
    this.detach = this.source.attach({
      timeline: (e) => {
        this.broadcast({ event: 'timeline', data: e });
        this.statusSoon();
      },
      lock: (m) => {
        this.broadcast({ event: 'lock', data: m });
        // A renewal moves only the lease, which the lock message carries; anything else changes who is active.
        if (m.event !== 'renewed') this.statusSoon();
      },
      fenced: (m) => this.broadcast({ event: 'fenced', data: m }),
    });
    this.armStatus(this.everyMs);
  }

  private stop(): void {
    this.detach?.();
    this.detach = undefined;
    this.source.clock.clearTimeout(this.statusTimer);
    this.statusTimer = undefined;
    this.statusDueAt = Infinity;
  }

  private statusSoon(): void {
    this.armStatus(this.coalesceMs);
  }

  /** Arms the status timer to fire within `ms`, unless it is due sooner already. */
  private armStatus(ms: number): void {
    const { clock } = this.source;
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
      status = await this.source.status();
    } catch {
      // Storage could not be read (closed under a finished drill, or failing): the next timer tries again.
      if (this.attached) this.armStatus(this.everyMs);
      return;
    }
    // Everyone may have left while storage was read.
    if (!this.attached) return;
    const requests = this.source.requests?.();
    this.broadcast({ event: 'status', data: { time: this.source.clock.now(), ...status, ...(requests && { requests }) } });
    this.armStatus(this.everyMs);
  }
}
