/**
 * Leadership over an HABackend lock, for one node (Vault's `vault/ha.go`, written the
 * etcd-concurrency way: calls block until done or aborted, and loss is a signal).
 * - campaign: wait out any step-down back-off, block on the lock while watching who
 *   leads, then have the node get ready to serve (its callback) and hand back the term; a
 *   try that fails on storage or in the callback waits longer each time (up to a cap) and
 *   says why;
 * - keepLock: renew every renewIntervalMs; return the reason once the lock is lost;
 * - release, or abandon after a crash: the one way out of holding the lock.
 * What "ready" means (keyring, term, tables, advertisement) is the node's business.
 */
import type { Clock } from '../clock/index.ts';
import { StorageKeys, type HABackend, type Lock, type LockGrant } from '../storage/index.ts';
import { livePeers, type Echo, type EchoChannel } from './echo-board.ts';
import { lockRetryDelayMs, type Timings } from './timings.ts';

/** The node's preparation to serve once the lock is granted: the term and this incarnation's holder id. */
export type GetReady = (term: number, holder: string) => Promise<void>;

/** The active node's addresses, as advertised in the lock. */
export interface LeaderInfo {
  apiAddr: string;
  clusterAddr: string;
  holder: string;
  term: number;
}

/** A leadership event for the timeline ('retry': a campaign try failed; term 0 when no lock was taken). */
export interface LeadershipEvent {
  event: 'acquired' | 'lost' | 'released' | 'abandoned' | 'retry';
  term: number;
  detail?: string;
}

/** A standby's campaign that keeps failing: the latest reason, since when, and the back-off. */
export interface CampaignFailure {
  reason: string;
  /** When the tries started failing for this reason (ms since epoch). */
  since: number;
  /** Tries in a row that failed. */
  tries: number;
  /** When the next try is due. */
  nextTryAt: number;
  /** The term taken and given back by a try whose setup failed; 0 when no lock was taken. */
  term: number;
}

/** Options for one node's leadership. */
export interface LeadershipOptions {
  backend: HABackend;
  timings: Timings;
  clock: Clock;
  /** This node's id as lock holder; each incarnation (after a crash) adds a counter, as a new process gets a new UUID. */
  holderId: string;
  /** What the lock advertises: this node's addresses (nothing secret). */
  advertise: { apiAddr: string; clusterAddr: string };
  /** Told of every acquisition and loss. */
  report?: (e: LeadershipEvent) => void;
  /** Where this node echoes while standby and hears standbys while active (sys/ha-status); none = hears nobody. */
  echoes?: { channel: EchoChannel; hostname: string; version: string };
}

/** What others may ask of a node's part in HA, to read only: who is active, whether it holds its lease, why its campaign fails. */
export type LeadershipFacts = Pick<Leadership, 'leader' | 'refreshLeader' | 'holdsLease' | 'campaignFailure' | 'isOwnEntry'>;

/** The HA work a node's lifecycle machine invokes (see src/node's facade). */
export class Leadership {
  private lock: Lock | undefined;
  private grant: LockGrant | undefined;
  private known: LeaderInfo | undefined;
  private paused = false;
  private readonly resumeWaiters: Array<() => void> = [];
  private incarnation = 0;
  /** Until when this node may act as active without another renewal (the active's self-fence). */
  private leaseDeadline = 0;
  private failure: CampaignFailure | undefined;

  constructor(private readonly opts: LeadershipOptions) {}

  /** Who is active, as last seen (refreshed every leaderCheckMs while standby). */
  leader(): LeaderInfo | undefined {
    return this.known;
  }

  /**
   * The standbys an active has heard from since `activeSince`. An echo older than the lock
   * TTL counts as gone: that is Vault's 15 s (three 5 s heartbeats) on its own timings.
   */
  peers(activeSince: number): Echo[] {
    const heard = this.opts.echoes?.channel.heard() ?? [];
    return livePeers(heard, this.opts.advertise, activeSince, this.opts.clock.now(), this.opts.timings.lockTtlMs);
  }

  /** Re-reads the lock now (after a forwarding failure, say). */
  async refreshLeader(): Promise<LeaderInfo | undefined> {
    const v = await this.handle().value();
    this.known =
      v.held && v.value
        ? { ...(JSON.parse(v.value) as { apiAddr: string; clusterAddr: string }), holder: v.holder ?? '', term: v.term ?? 0 }
        : undefined;
    return this.known;
  }

  /**
   * Whether the lease this node last renewed is still running: an active stops serving at
   * its own lease deadline, before any standby may take the lock. A paused process
   * cannot run this check, which is why storage fences too.
   */
  holdsLease(): boolean {
    // A margin of TTL/10 before the deadline, so the active has stopped before any standby may take the lock.
    const margin = this.opts.timings.lockTtlMs / 10;
    return this.grant !== undefined && !this.grant.lost.aborted && this.opts.clock.now() < this.leaseDeadline - margin;
  }

  /** The lab's pause fault: stop renewing and stop noticing loss until resumed (a Jepsen pause). */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) {
      for (const wake of this.resumeWaiters.splice(0)) wake();
    }
  }

  /** Why this standby's campaign keeps failing (storage refusing the lock, a setup error), while it does. */
  campaignFailure(): CampaignFailure | undefined {
    return this.failure && { ...this.failure };
  }

  /** Standby: blocks until this node holds the lock and is ready, or the signal aborts (undefined). */
  async campaign(signal: AbortSignal, backoffUntil: number, getReady: GetReady): Promise<number | undefined> {
    const { clock } = this.opts;
    const watching = this.watchLeader(signal);
    try {
      const wait = backoffUntil - clock.now();
      if (wait > 0) await clock.sleep(wait, signal);
      for (let failures = 1; ; failures++) {
        let grant: LockGrant | undefined;
        try {
          grant = await this.handle().acquire(signal);
        } catch (err) {
          // Storage unreachable or failing: retry, as Vault's acquireLock loop does, backing off.
          if (signal.aborted) return undefined;
          await this.retryLater(failures, `could not take the lock: ${messageOf(err)}`, signal);
          continue;
        }
        if (!grant) return undefined;
        try {
          await this.serve(grant, getReady);
          return grant.term;
        } catch (err) {
          // Could not get ready (storage error): give the lock back and retry after a pause, as Vault does.
          const reason = `setup failed: ${messageOf(err)}`;
          this.release(reason);
          await this.retryLater(failures, reason, signal, grant.term);
        }
      }
    } catch (err) {
      if (signal.aborted) return undefined;
      throw err;
    } finally {
      watching.abort();
      this.failure = undefined;
    }
  }

  /**
   * Waits before the next try: lockRetryMs doubling with each failure in a row, capped
   * (Timings.lockRetryMaxMs). A failure storage shares with every node (a full disk) would
   * otherwise have them all take and give back the lock, a term each, several times a second.
   * The first failure and each new reason go to the timeline; repeats only count.
   */
  private async retryLater(failures: number, reason: string, signal: AbortSignal, term = 0): Promise<void> {
    const delay = lockRetryDelayMs(this.opts.timings, failures);
    const now = this.opts.clock.now();
    const repeat = this.failure?.reason === reason;
    this.failure = { reason, since: repeat ? this.failure!.since : now, tries: failures, nextTryAt: now + delay, term };
    if (!repeat)
      this.opts.report?.({
        event: 'retry',
        term,
        detail: `${reason}; trying again in ${delay} ms, backing off up to ${lockRetryDelayMs(this.opts.timings, Infinity)} ms`,
      });
    await this.opts.clock.sleep(delay, signal);
  }

  private async serve(grant: LockGrant, getReady: GetReady): Promise<void> {
    this.grant = grant;
    await getReady(grant.term, this.holder);
    if (grant.lost.aborted) throw new Error('lock lost during setup');
    this.known = { ...this.opts.advertise, holder: this.holder, term: grant.term };
    this.leaseDeadline = this.opts.clock.now() + this.opts.timings.lockTtlMs;
    this.opts.report?.({ event: 'acquired', term: grant.term });
  }

  /** Active: renews until the signal aborts (undefined) or the lock is lost (the reason). */
  async keepLock(signal: AbortSignal, term: number): Promise<string | undefined> {
    const { clock, timings } = this.opts;
    const grant = this.grant;
    if (!grant || grant.term !== term) return 'no lock held';
    for (;;) {
      try {
        await clock.sleep(timings.renewIntervalMs, AbortSignal.any([signal, grant.lost]));
      } catch {
        if (signal.aborted) return undefined;
      }
      if (this.paused) {
        await this.waitWhilePaused(signal);
        if (signal.aborted) return undefined;
      }
      if (grant.lost.aborted) return this.lost(term, 'lock lost');
      try {
        const asked = this.opts.clock.now();
        await this.handle().renew();
        this.leaseDeadline = asked + this.opts.timings.lockTtlMs;
      } catch (err) {
        return this.lost(term, `renew failed: ${(err as Error).message}`);
      }
    }
  }

  private lost(term: number, reason: string): string {
    this.opts.report?.({ event: 'lost', term, detail: reason });
    return reason;
  }

  /** Resolves when the pause ends (at once, so the overdue renewal runs first) or the signal aborts. */
  private async waitWhilePaused(signal: AbortSignal): Promise<void> {
    if (!this.paused || signal.aborted) return;
    await new Promise<void>((resolve) => {
      this.resumeWaiters.push(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  /** Leaving active (or a setup that failed): give the lock back at once, so a standby need not wait out the lease. */
  release(detail?: string): void {
    const grant = this.letGo();
    if (!grant) return;
    this.opts.report?.({ event: 'released', term: grant.term, detail });
    void this.handle()
      .release()
      .catch(() => undefined);
  }

  /** A crash: the process forgets its handle and comes back as a new holder; the old lease runs out on its own. */
  abandon(): void {
    const grant = this.letGo();
    if (!grant) return;
    this.opts.report?.({ event: 'abandoned', term: grant.term });
    this.lock = undefined;
    this.incarnation++;
  }

  private letGo(): LockGrant | undefined {
    const grant = this.grant;
    this.grant = undefined;
    this.known = undefined;
    return grant;
  }

  /**
   * Whether a lock entry is this node's own, of this incarnation or an earlier one (a restart's
   * stale entry): by its holder id, as Vault tells by the lock's UUID, never by the address,
   * which every node shares when each advertises a load balancer.
   */
  isOwnEntry(holder: string): boolean {
    return holder.startsWith(`${this.opts.holderId}.`);
  }

  /** This incarnation's holder id. */
  get holder(): string {
    return `${this.opts.holderId}.${this.incarnation}`;
  }

  private handle(): Lock {
    if (!this.lock) {
      const value = JSON.stringify(this.opts.advertise);
      this.lock = this.opts.backend.lock(StorageKeys.lock, value, {
        holder: this.holder,
        ttlMs: this.opts.timings.sessionExpiryMs ?? this.opts.timings.lockTtlMs,
        lockDelayMs: this.opts.timings.lockDelayMs,
      });
    }
    return this.lock;
  }

  /** A standby's heartbeat: tells the active (through the lab's channel) that this node is here. */
  private echo(): void {
    const e = this.opts.echoes;
    if (!e || this.grant) return;
    e.channel.send({ hostname: e.hostname, version: e.version, ...this.opts.advertise, at: this.opts.clock.now() });
  }

  /** Polls the lock every leaderCheckMs while campaigning, so a standby knows whom to forward to. */
  private watchLeader(outer: AbortSignal): AbortController {
    const ctl = new AbortController();
    const signal = AbortSignal.any([outer, ctl.signal]);
    const loop = async () => {
      while (!signal.aborted) {
        await this.refreshLeader().catch(() => undefined);
        this.echo();
        await this.opts.clock.sleep(this.opts.timings.leaderCheckMs, signal).catch(() => undefined);
      }
    };
    void loop();
    return ctl;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
