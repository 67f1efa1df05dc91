/**
 * The in-process lock table behind the HA lock of the memory and level backends: one
 * lease per key with compare-and-set acquisition, a term that grows with every
 * acquisition (the fencing epoch), and wake-ups for waiters. All nodes of a lab share
 * one process and one clock, so this table is the single source of truth; the lock is
 * also mirrored in plaintext at its key (nothing secret: holder, addresses, term, expiry).
 */
import type { Clock } from '../clock/index.ts';

/** One lease. */
export interface Lease {
  holder: string;
  value: string;
  term: number;
  expires: number;
  /** Aborted when this lease ends for its holder (release, expiry taken over, deletion). */
  lost: AbortController;
}

/** Something that happened to a lock. */
export type LockEvent = { type: 'lock'; event: 'acquired' | 'renewed' | 'released' | 'lost'; key: string; holder: string; term: number; expires: number };

/** The leases of one backend. */
export class LockTable {
  private readonly leases = new Map<string, Lease>();
  private readonly waiters = new Set<() => void>();
  /** The highest term ever granted (persisted by the backend so it survives a restart). */
  highestTerm = 0;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (e: LockEvent) => void,
  ) {}

  /** The live lease on key (undefined when free or expired). */
  current(key: string): Lease | undefined {
    const l = this.leases.get(key);
    return l && l.expires > this.clock.now() ? l : undefined;
  }

  /**
   * The term fencing compares against: the highest ever granted, not the current lease's
   * (after a release or a deleted lock key there is no lease, yet a stale term must still be
   * refused: the drills' checker found a term-1 write accepted that way).
   */
  fencingTerm(_key: string): number {
    return this.highestTerm;
  }

  /** Takes the lock if it is free or expired; returns the new lease or undefined. */
  tryAcquire(key: string, holder: string, value: string, ttlMs: number): Lease | undefined {
    if (this.current(key)) return undefined;
    const old = this.leases.get(key);
    if (old) this.end(key, old, 'lost');
    const lease: Lease = { holder, value, term: ++this.highestTerm, expires: this.clock.now() + ttlMs, lost: new AbortController() };
    this.leases.set(key, lease);
    this.emit({ type: 'lock', event: 'acquired', key, holder, term: lease.term, expires: lease.expires });
    return lease;
  }

  /** Extends a live lease held by `lease`'s holder; false when it is no longer theirs. */
  renew(key: string, lease: Lease, ttlMs: number): boolean {
    if (this.current(key) !== lease) {
      if (!lease.lost.signal.aborted) lease.lost.abort(new Error('lock lost'));
      return false;
    }
    lease.expires = this.clock.now() + ttlMs;
    this.emit({ type: 'lock', event: 'renewed', key, holder: lease.holder, term: lease.term, expires: lease.expires });
    return true;
  }

  /** Ends `lease` if it is still the current one; wakes the waiters. */
  release(key: string, lease: Lease): void {
    if (this.leases.get(key) !== lease) return;
    this.leases.delete(key);
    this.end(key, lease, 'released');
  }

  /** The lab's "delete the lock key" fault: whoever holds it loses it now. */
  forceDelete(key: string): void {
    const l = this.leases.get(key);
    if (!l) return;
    this.leases.delete(key);
    this.end(key, l, 'lost');
  }

  /** Resolves on the next release or deletion (or at `until`, via the clock); the caller re-checks. */
  wait(until: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        this.clock.clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      const timer = this.clock.setTimeout(done, Math.max(0, until - this.clock.now()));
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private end(key: string, lease: Lease, how: 'released' | 'lost'): void {
    if (!lease.lost.signal.aborted) lease.lost.abort(new Error(`lock ${how}`));
    this.emit({ type: 'lock', event: how, key, holder: lease.holder, term: lease.term, expires: lease.expires });
    for (const w of [...this.waiters]) w();
  }
}
