/** One contender's handle on a lock of the in-process lock table (Vault's physical.Lock). */
import type { Clock } from '../clock/index.ts';
import type { Lock, LockGrant, LockValue } from './backend.ts';
import { LockLostError } from './errors.ts';
import type { Lease, LockTable } from './lock-table.ts';

/** Acquire blocks without polling: it sleeps until the current lease expires or is released. */
export class LockHandle implements Lock {
  private lease: Lease | undefined;

  constructor(
    private readonly table: LockTable,
    private readonly clock: Clock,
    private readonly key: string,
    private readonly advertised: string,
    private readonly holder: string,
    private readonly ttlMs: number,
  ) {}

  async acquire(signal: AbortSignal): Promise<LockGrant | undefined> {
    while (!signal.aborted) {
      const lease = this.table.tryAcquire(this.key, this.holder, this.advertised, this.ttlMs);
      if (lease) {
        this.lease = lease;
        return { term: lease.term, lost: lease.lost.signal };
      }
      const cur = this.table.current(this.key);
      await this.table.wait(cur ? cur.expires : this.clock.now(), signal);
    }
    return undefined;
  }

  async renew(): Promise<void> {
    if (!this.lease || !this.table.renew(this.key, this.lease, this.ttlMs)) {
      this.lease = undefined;
      throw new LockLostError();
    }
  }

  async release(): Promise<void> {
    if (!this.lease) return;
    this.table.release(this.key, this.lease);
    this.lease = undefined;
  }

  async value(): Promise<LockValue> {
    const l = this.table.current(this.key);
    return l ? { held: true, value: l.value, term: l.term, holder: l.holder, expires: l.expires } : { held: false };
  }
}
