/**
 * The in-process lock table behind the HA lock of the memory and level backends. All nodes
 * of a lab share one process, one backend instance and one clock, so this table is the one
 * source of truth: one lease per key, taken by compare-and-set when free or expired, a term
 * that grows by one with every acquisition of any key (the fencing epoch), and wake-ups for
 * waiters, so nobody polls. Everything here is synchronous: a check and its change never
 * have an await between them.
 */
import type { Clock, TimerHandle } from '../clock/index.ts';
import { BackendClosedError, LockLostError } from './errors.ts';
import type { LockEventKind, StorageEvents } from './storage-events.ts';

/** One holder's lease on a key. */
export interface Lease {
  readonly holder: string;
  readonly value: string;
  readonly term: number;
  /** When the lease runs out unless renewed (ms since epoch, on the table's clock). */
  expires: number;
  /** Once this lease has lapsed, how long nobody may take the key (Consul's lock-delay). */
  readonly lockDelayMs: number;
  /** Aborted when this lease ends for its holder. */
  readonly lost: AbortController;
}

/** The leases of one backend. */
export class LockTable {
  private readonly leases = new Map<string, Lease>();
  private readonly waiters = new Map<string, Set<() => void>>();
  /** The term of the latest grant on each key (kept after the lease ends, for fencing). */
  private readonly granted = new Map<string, number>();
  private term = 0;
  /** Terms at or below this were granted before a restart. */
  private restored = 0;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly events: StorageEvents,
  ) {}

  /** The highest term ever granted. */
  get highestTerm(): number {
    return this.term;
  }

  /** Continues the term sequence of an earlier process on the same storage. */
  restoreTerm(term: number): void {
    this.term = Math.max(this.term, term);
    this.restored = Math.max(this.restored, term);
  }

  /**
   * The term fencing compares against: the latest ever granted on key, not the current
   * lease's. After a release or a deleted lock key there is no lease, yet a stale term must
   * still be refused: comparing against the lease alone would let a term-1 write through then.
   */
  fencingTerm(key: string): number {
    return this.granted.get(key) ?? this.restored;
  }

  /** The lease on key, even a lapsed one (storage mirrors it until someone takes the key; it can be neither renewed nor released). */
  lease(key: string): Lease | undefined {
    return this.leases.get(key);
  }

  /** The live lease on key: undefined when free or expired. */
  current(key: string): Lease | undefined {
    const lease = this.leases.get(key);
    return lease && lease.expires > this.clock.now() ? lease : undefined;
  }

  /** Until when nobody may take key: a live lease's expiry, or a lapsed one's expiry plus its lock-delay (0 when free). */
  blockedUntil(key: string): number {
    const lease = this.leases.get(key);
    return lease ? lease.expires + lease.lockDelayMs : 0;
  }

  /** Takes key for holder when it is free, or expired and past its lock-delay (compare-and-set); undefined otherwise. */
  tryAcquire(key: string, holder: string, value: string, ttlMs: number, lockDelayMs = 0): Lease | undefined {
    if (this.closed) throw new BackendClosedError();
    if (this.blockedUntil(key) > this.clock.now()) return undefined;
    const old = this.leases.get(key);
    if (old) this.end(key, old, 'expired');
    const lease: Lease = { holder, value, term: ++this.term, expires: this.clock.now() + ttlMs, lockDelayMs, lost: new AbortController() };
    this.leases.set(key, lease);
    this.granted.set(key, lease.term);
    this.emit('acquired', key, lease);
    return lease;
  }

  /** Extends lease to now + ttl while it is still key's lease; false once it was released, taken or dropped. */
  renew(key: string, lease: Lease, ttlMs: number): boolean {
    if (this.current(key) !== lease) {
      if (!lease.lost.signal.aborted) lease.lost.abort(new LockLostError('lock lost'));
      return false;
    }
    lease.expires = this.clock.now() + ttlMs;
    this.emit('renewed', key, lease);
    return true;
  }

  /** Gives key up if lease is still its live lease; wakes the waiters. */
  release(key: string, lease: Lease): void {
    if (this.leases.get(key) !== lease) return;
    // A lapsed lease is gone already (as it cannot be renewed, it cannot be given back): a late
    // release changes nothing, so it cannot cut a Consul lock-delay short either.
    if (lease.expires <= this.clock.now()) return;
    this.leases.delete(key);
    this.end(key, lease, 'released');
  }

  /** The lab's "delete the lock key" fault: whoever holds key loses it now. */
  drop(key: string): void {
    const lease = this.leases.get(key);
    if (!lease) return;
    this.leases.delete(key);
    this.end(key, lease, 'lost');
  }

  /**
   * Resolves when key may have become free: at the current lease's expiry, or the end of a
   * lapsed one's lock-delay (one timer, not a poll), on a release or drop, on abort or on close. The caller tries again.
   */
  waitForChange(key: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const until = this.blockedUntil(key);
      if (until <= this.clock.now() || this.closed || signal.aborted) return resolve();
      const set = this.waiters.get(key) ?? new Set();
      this.waiters.set(key, set);
      let timer: TimerHandle | undefined = undefined;
      const wake = () => {
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
        this.clock.clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      set.add(wake);
      signal.addEventListener('abort', wake, { once: true });
      // A renewal moves the expiry later: this timer then wakes the caller early once, and it waits again.
      timer = this.clock.setTimeout(wake, until - this.clock.now());
    });
  }

  /** Ends every lease (their holders learn it through `lost`) and wakes every waiter. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const lease of this.leases.values()) lease.lost.abort(new BackendClosedError());
    this.leases.clear();
    for (const set of [...this.waiters.values()]) for (const wake of [...set]) wake();
  }

  /** True after close(). */
  get isClosed(): boolean {
    return this.closed;
  }

  private end(key: string, lease: Lease, how: 'released' | 'lost' | 'expired'): void {
    if (!lease.lost.signal.aborted) lease.lost.abort(new LockLostError(`lock ${how}`));
    this.emit(how, key, lease);
    const set = this.waiters.get(key);
    if (set) for (const wake of [...set]) wake();
  }

  private emit(event: LockEventKind, key: string, lease: Lease): void {
    if (this.events.wants('lock'))
      this.events.emit({ type: 'lock', event, key, holder: lease.holder, term: lease.term, expires: lease.expires });
  }
}
