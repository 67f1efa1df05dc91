/**
 * One contender's handle on a key of the in-process lock table (Vault's physical.Lock, the
 * etcd-concurrency way: acquire blocks until granted or aborted, and loss is a signal).
 * The lease lives in the lock table; `core/lock` on disk is its mirror. An acquisition is on
 * disk before it is granted (its term must outlive a restart, so terms only grow). A renewal or
 * a release is a change in memory, as a Consul session renewal or an etcd lease keep-alive is:
 * it is mirrored before the call returns when the disk takes the write, and a disk that will
 * not (full, failing) does not undo it. That disk is every node's disk: ending the active's
 * lease over it would only pass the lock to a node that cannot write either, while reads
 * stopped too. The failed write shows in the backend's health instead.
 */
import type { Lock, LockGrant, LockValue } from './backend.ts';
import { BackendClosedError, LockLostError } from './errors.ts';
import type { Lease, LockTable } from './lock-table.ts';

/** Writes key's lease (or its absence) to storage. */
export type PersistLock = (key: string) => Promise<void>;

/** A Lock on one key of a LockTable. */
export class LockHandle implements Lock {
  private lease: Lease | undefined;

  constructor(
    private readonly table: LockTable,
    private readonly persist: PersistLock,
    private readonly key: string,
    private readonly advertised: string,
    private readonly holder: string,
    private readonly ttlMs: number,
    private readonly lockDelayMs = 0,
  ) {}

  async acquire(signal: AbortSignal): Promise<LockGrant | undefined> {
    const held = this.lease;
    if (held && !held.lost.signal.aborted && this.table.current(this.key) === held) return grantOf(held);
    for (;;) {
      if (signal.aborted) return undefined;
      if (this.table.isClosed) throw new BackendClosedError();
      const lease = this.table.tryAcquire(this.key, this.holder, this.advertised, this.ttlMs, this.lockDelayMs);
      if (lease) return this.hold(lease);
      await this.table.waitForChange(this.key, signal);
    }
  }

  async renew(): Promise<void> {
    const lease = this.lease;
    if (!lease || !this.table.renew(this.key, lease, this.ttlMs)) {
      this.lease = undefined;
      throw new LockLostError();
    }
    await this.mirror();
  }

  async release(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    this.lease = undefined;
    if (this.table.lease(this.key) !== lease) return;
    this.table.release(this.key, lease);
    await this.mirror();
  }

  async value(): Promise<LockValue> {
    const l = this.table.current(this.key);
    return l ? { held: true, value: l.value, term: l.term, holder: l.holder, expires: l.expires } : { held: false };
  }

  /** Mirrors a change the lock table already made; a write the disk refuses is the backend's health to report, not this caller's. */
  private async mirror(): Promise<void> {
    await this.persist(this.key).catch(() => undefined);
  }

  /** Keeps a fresh lease once storage has it; a lease storage could not record is given back. */
  private async hold(lease: Lease): Promise<LockGrant> {
    this.lease = lease;
    try {
      await this.persist(this.key);
    } catch (err) {
      this.lease = undefined;
      this.table.release(this.key, lease);
      throw err;
    }
    return grantOf(lease);
  }
}

function grantOf(lease: Lease): LockGrant {
  return { term: lease.term, lost: lease.lost.signal };
}
