/**
 * Revocation on time (Vault's ExpirationManager): while a node is active it holds one timer
 * per expiring token and, when a timer fires, has the token revoked with its whole subtree.
 * Expiry is decided by what storage holds, not by the timer: the callback re-reads the entry,
 * so a renewal that raced the timer only re-arms it. Storage is the record of what is
 * pending, so a new active restores every timer on activation (expired ones fire at once)
 * and nothing is lost across failover or restart. Timers run on the injected Clock, so
 * drills see revocations in virtual time.
 */
import type { Clock, TimerHandle } from '../../clock/index.ts';

/** How long a revocation that failed (storage error, fenced write) waits before it is tried again. */
export const REVOKE_RETRY_MS = 1_000;

/** Node's timers overflow past 2^31-1 ms (about 24.8 days, shorter than Vault's 768 h max TTL): longer waits re-check on the way. */
const MAX_TIMER_MS = 2_147_483_647;

/** Something that can expire: its id and its absolute expiry (ms; 0 = never). */
export interface Expiry {
  id: string;
  expireTime: number;
}

/** One node's revocation timers. */
export class ExpirationManager {
  private readonly timers = new Map<string, TimerHandle>();
  private running = false;
  /** Bumped on every start and stop, so a revocation that fails after the node left active does not re-arm. */
  private generation = 0;

  constructor(
    private readonly clock: Clock,
    /** Revokes `id` if it has expired by now, or re-arms it with `track` if it has been renewed. */
    private readonly expire: (id: string) => Promise<void>,
    private readonly retryMs = REVOKE_RETRY_MS,
  ) {}

  /** Becoming active: arms a timer for everything storage says will expire (at once for what already has). */
  start(pending: Iterable<Expiry>): void {
    this.stop();
    this.running = true;
    for (const p of pending) this.track(p.id, p.expireTime);
  }

  /** Leaving active (seal, step-down, crash): no timer of this node fires any more. */
  stop(): void {
    this.running = false;
    this.generation++;
    for (const h of this.timers.values()) this.clock.clearTimeout(h);
    this.timers.clear();
  }

  /** Arms (or re-arms) the timer of `id` for `expireTime`; 0 means it never expires. Ignored unless active. */
  track(id: string, expireTime: number): void {
    this.forget(id);
    if (!this.running || !expireTime) return;
    this.arm(id, Math.max(0, expireTime - this.clock.now()));
  }

  /** Drops the timer of `id` (revoked by hand). */
  forget(id: string): void {
    this.clock.clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  /** How many timers are armed. */
  get pending(): number {
    return this.timers.size;
  }

  private arm(id: string, delayMs: number): void {
    const generation = this.generation;
    const handle = this.clock.setTimeout(() => this.fire(id, generation), Math.min(delayMs, MAX_TIMER_MS));
    this.timers.set(id, handle);
  }

  private fire(id: string, generation: number): void {
    this.timers.delete(id);
    this.expire(id).catch(() => {
      // Vault retries a failed revocation; the entry stays in storage, so a new active would retry it too.
      if (this.running && generation === this.generation && !this.timers.has(id)) this.arm(id, this.retryMs);
    });
  }
}
