/**
 * The HA lock on etcd, as Vault's etcd backend takes it: a session lease with the lock's TTL
 * and a key under the prefix bound to that lease, so etcd itself deletes the key when the
 * holder stops keeping the lease alive. The key is created only where none exists (a txn on
 * its create revision), and that create revision is the holder's term: etcd's revisions only
 * grow, so every acquisition's term is greater than every earlier one, across keys and
 * restarts. Writes compare the same create revision (etcd-backend.ts), which is what makes a
 * paused or cut-off ex-active's write fail in etcd rather than in the ex-active's own code.
 * Contenders wait on a watch of the key from the revision they saw it at, so a delete between
 * their look and their watch is not missed.
 */
import type { Lease, Namespace } from 'etcd3';
import type { Lock, LockGrant, LockValue } from '../backend.ts';
import { BackendClosedError, LockLostError } from '../errors.ts';
import type { LockEventKind } from '../storage-events.ts';

/** What a lock needs of its backend. */
export interface EtcdLockHost {
  readonly ns: Namespace;
  /** Options of one call (its deadline). */
  callOptions(): { deadline: number };
  /** Aborts when the backend closes. */
  readonly closing: AbortSignal;
  /** Runs an etcd call, translating its errors into storage errors. */
  call<T>(op: 'read' | 'write', fn: () => Promise<T>): Promise<T>;
  /** Keeps a call the backend's close must wait for (a lease's revoke). */
  settle(call: Promise<unknown>): void;
  /** Reports a lock event. */
  lockEvent(event: LockEventKind, key: string, holder: string, term: number, ttlMs: number): void;
}

/** What the key holds: who and what the holder advertises (nothing secret). */
interface LockRecord {
  holder: string;
  value: string;
}

/** The pause between two tries of a keepalive that failed on the way. */
const RETRY_GAP_MS = 50;

interface Held {
  term: number;
  /** When the last keepalive that etcd answered was sent: the lease runs at least a TTL from then. */
  renewedAt: number;
  lease: Lease;
  lost: AbortController;
  stopWatch: () => void;
}

/** A contender's handle on one etcd lock key. */
export class EtcdLock implements Lock {
  private held: Held | undefined;
  private readonly ttlSeconds: number;

  constructor(
    private readonly host: EtcdLockHost,
    private readonly key: string,
    private readonly advertised: string,
    private readonly holder: string,
    private readonly ttlMs: number,
  ) {
    // etcd leases count whole seconds (and the server may raise a short one to its minimum).
    this.ttlSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
  }

  async acquire(signal: AbortSignal): Promise<LockGrant | undefined> {
    const held = this.held;
    if (held && !held.lost.signal.aborted) return grantOf(held);
    for (;;) {
      if (signal.aborted) return undefined;
      if (this.host.closing.aborted) throw new BackendClosedError();
      const tried = await this.attempt();
      if (tried.term !== undefined) return grantOf(this.hold(tried.term, tried.lease!, tried.grantedAt));
      await this.untilDeleted(tried.seenAt + 1, signal);
    }
  }

  /**
   * One keepalive that lands, as etcd's own session keeps a lease: a call that fails on the way
   * (a member just killed, an election under way) is tried again on another member until the
   * lease would have run out. Only etcd saying the lease is gone, or that deadline, is a loss:
   * one dead member among three must not cost the active its lock.
   */
  async renew(): Promise<void> {
    const held = this.held;
    if (!held || held.lost.signal.aborted) throw this.dropped();
    const deadline = held.renewedAt + this.ttlMs;
    for (;;) {
      const sent = Date.now();
      try {
        await held.lease.keepaliveOnce({ deadline: Math.min(deadline, this.host.callOptions().deadline) });
        held.renewedAt = sent;
        break;
      } catch (err) {
        // A lease etcd no longer has: it ran out (a pause longer than the TTL, a partition).
        if ((err as Error).name === 'EtcdLeaseInvalidError') {
          this.lose(held, 'expired');
          throw this.dropped();
        }
        if (held.lost.signal.aborted || this.host.closing.aborted || Date.now() >= deadline - RETRY_GAP_MS) throw err;
        await new Promise((r) => setTimeout(r, RETRY_GAP_MS));
      }
    }
    if (held.lost.signal.aborted) throw this.dropped();
    this.host.lockEvent('renewed', this.key, this.holder, held.term, this.ttlMs);
  }

  async release(): Promise<void> {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    held.stopWatch();
    if (!held.lost.signal.aborted) {
      held.lost.abort(new LockLostError('lock released'));
      this.host.lockEvent('released', this.key, this.holder, held.term, 0);
    }
    // Revoking the lease deletes the key with it, in etcd, only if it is still this lease's.
    await this.host.call('write', () => held.lease.revoke(this.host.callOptions()));
  }

  async value(): Promise<LockValue> {
    const res = await this.host.call('read', () => this.host.ns.get(this.key).options(this.host.callOptions()).exec());
    const kv = res.kvs[0];
    if (!kv) return { held: false };
    const record = parseRecord(kv.value);
    return { held: true, value: record?.value, holder: record?.holder, term: Number(kv.create_revision) };
  }

  /**
   * One try, which the backend's close waits for: a try still on its way when the backend closes
   * gives back what it took (a lock taken then would outlive its client) and fails as closed.
   */
  private attempt(): Promise<{ term?: number; lease?: Lease; seenAt: number; grantedAt: number }> {
    const tried = this.tryCreate().then(async (t) => {
      if (!this.host.closing.aborted) return t;
      if (t.lease) await t.lease.revoke(this.host.callOptions()).catch(() => undefined);
      throw new BackendClosedError();
    });
    this.host.settle(tried);
    return tried;
  }

  /** One try: a fresh lease, and the key created under it unless someone holds it. */
  private async tryCreate(): Promise<{ term?: number; lease?: Lease; seenAt: number; grantedAt: number }> {
    const { ns } = this.host;
    const grantedAt = Date.now();
    const lease = ns.lease(this.ttlSeconds, { autoKeepAlive: false });
    try {
      const id = await this.host.call('write', () => lease.grant());
      const record: LockRecord = { holder: this.holder, value: this.advertised };
      const res = await this.host.call('write', () =>
        ns
          .if(this.key, 'Create', '==', 0)
          .then(ns.put(this.key).value(JSON.stringify(record)).lease(id))
          .options(this.host.callOptions())
          .commit(),
      );
      const revision = Number(res.header.revision);
      if (res.succeeded) return { term: revision, lease, seenAt: revision, grantedAt };
      await lease.revoke(this.host.callOptions()).catch(() => undefined);
      return { seenAt: revision, grantedAt };
    } catch (err) {
      await lease.revoke(this.host.callOptions()).catch(() => undefined);
      throw err;
    }
  }

  /** Keeps a fresh grant and watches its key: a delete (expiry, revoke, the lab's fault) is the loss. */
  private hold(term: number, lease: Lease, grantedAt: number): Held {
    const lost = new AbortController();
    const watcher = this.host.ns
      .watch()
      .key(this.key)
      .startRevision(String(term + 1))
      .watcher();
    const held: Held = { term, renewedAt: grantedAt, lease, lost, stopWatch: () => void watcher.cancel().catch(() => undefined) };
    watcher.on('delete', () => this.lose(held, 'lost'));
    watcher.on('put', (kv) => {
      if (Number(kv.create_revision) !== term) this.lose(held, 'lost');
    });
    watcher.on('error', () => undefined);
    const onClose = () => this.lose(held, 'lost');
    this.host.closing.addEventListener('abort', onClose, { once: true });
    lost.signal.addEventListener('abort', () => this.host.closing.removeEventListener('abort', onClose), { once: true });
    this.held = held;
    this.host.lockEvent('acquired', this.key, this.holder, term, this.ttlMs);
    return held;
  }

  /** The grant is over: its signal aborts once, the watch stops, and etcd may drop the lease. */
  private lose(held: Held, why: 'lost' | 'expired'): void {
    if (held.lost.signal.aborted) return;
    held.lost.abort(new LockLostError());
    held.stopWatch();
    this.host.lockEvent(why, this.key, this.holder, held.term, 0);
    this.host.settle(held.lease.revoke(this.host.callOptions()));
  }

  /** The error of a handle that holds nothing any more. */
  private dropped(): LockLostError {
    this.held = undefined;
    return new LockLostError();
  }

  /** Resolves once the key is deleted at or after `fromRevision`, or the signal aborts; the backend closing rejects. */
  private untilDeleted(fromRevision: number, signal: AbortSignal): Promise<void> {
    const { ns, closing } = this.host;
    return new Promise<void>((resolve, reject) => {
      const watcher = ns.watch().key(this.key).startRevision(String(fromRevision)).watcher();
      const done = (err?: Error) => {
        clearTimeout(recheck);
        signal.removeEventListener('abort', onAbort);
        closing.removeEventListener('abort', onClose);
        void watcher.cancel().catch(() => undefined);
        if (err) reject(err);
        else resolve();
      };
      const onAbort = () => done();
      const onClose = () => done(new BackendClosedError());
      // A safety net, not the mechanism: a watch that could not resume (a compacted revision) must not strand a waiter.
      const recheck = setTimeout(onAbort, Math.max(this.ttlMs, 1000));
      watcher.on('delete', () => done());
      watcher.on('error', () => undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      closing.addEventListener('abort', onClose, { once: true });
    });
  }
}

function grantOf(held: Held): LockGrant {
  return { term: held.term, lost: held.lost.signal };
}

function parseRecord(raw: Buffer): LockRecord | undefined {
  try {
    const r = JSON.parse(raw.toString('utf8')) as Partial<LockRecord>;
    return typeof r.holder === 'string' && typeof r.value === 'string' ? { holder: r.holder, value: r.value } : undefined;
  } catch {
    return undefined;
  }
}
