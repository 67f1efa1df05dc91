/**
 * What every embedded backend shares, the abstract-level way: the public methods do the
 * checks (open, key rules, fencing), keep writes to one key in the order storage accepted
 * them, list over a key range and hold the HA lock table; each implementation overrides only
 * the small underscore hooks that touch its database. Reads go through `_get`, which both
 * level databases answer synchronously (`getSync`: 1-2 µs against ~33 µs for classic-level's
 * async get, whose threadpool hop would dominate a KV read).
 */
import { RealClock, type Clock } from '../clock/index.ts';
import type { BatchOp, HABackend, Lock, LockOptions, WriteOptions } from './backend.ts';
import { BackendClosedError, FencedWriteError, StorageError } from './errors.ts';
import { checkBatchOp, checkKey, checkPrefix, childOf, isReservedKey, prefixRange, RESERVED_PREFIX, type KeyRange } from './key-rules.ts';
import { StorageKeys } from './keys.ts';
import { LockHandle } from './lock-handle.ts';
import { LockTable } from './lock-table.ts';
import { StorageEvents, type StorageEvent, type StorageListener, type WriteFailure } from './storage-events.ts';

/** A cursor over keys in order (the part of an abstract-level key iterator that list() needs). */
export interface KeyCursor {
  /** Up to `size` next keys; an empty array at the end. */
  nextv(size: number): Promise<string[]>;
  /** Moves to the first key at or after `target`. */
  seek(target: string): void;
  /** Frees the cursor. */
  close(): Promise<void>;
}

/** Options every embedded backend takes. */
export interface AbstractBackendOptions {
  /** The time of leases and lock waits (default: the wall clock). */
  clock?: Clock;
}

/** The highest lock term ever granted, kept under a key no caller can address or list. */
const TERM_KEY = `${RESERVED_PREFIX}lock-term`;
/** Keys per iterator round trip in list(); after each batch list() seeks past a folder it is inside. */
const LIST_BATCH = 256;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** The shared half of MemoryBackend and LevelBackend: a Backend and an HABackend with fencing. */
export abstract class AbstractBackend implements HABackend {
  /** The clock of leases and lock waits. */
  readonly clock: Clock;
  /** The lock whose term fences writes (docs/invariants.md: single writer per term). */
  readonly fencingKey: string = StorageKeys.lock;
  private readonly events = new StorageEvents();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly locks: LockTable;
  private fencing = true;
  private status: 'new' | 'open' | 'closed' = 'new';
  /** The highest term already on disk, so renewals do not rewrite it. */
  private storedTerm = 0;
  /** Set while the database fails writes (a full disk): what the lab's status and timeline show. */
  private failing: WriteFailure | undefined;
  /** What opening found worth telling the operator (a torn log, say); empty when nothing. */
  readonly warnings: string[] = [];

  constructor(opts: AbstractBackendOptions = {}) {
    this.clock = opts.clock ?? new RealClock();
    this.locks = new LockTable(this.clock, this.events);
  }

  /** Opens the database (idempotent) and restores the highest lock term ever granted. */
  async open(): Promise<void> {
    if (this.status !== 'new') return;
    await this._open();
    const raw = await this._get(TERM_KEY);
    this.storedTerm = raw ? Number(dec.decode(raw)) || 0 : 0;
    // Terms keep growing across restarts, so a term from before one can never pass fencing again.
    this.locks.restoreTerm(this.storedTerm);
    this.status = 'open';
  }

  /** Why writes are failing now (the database's error, since when, how many), or undefined while they work. */
  writeFailure(): WriteFailure | undefined {
    return this.failing && { ...this.failing };
  }

  /** Subscribes to lock, write, fencing and health events (or only the types in `only`); returns the unsubscribe function. */
  onEvent(fn: StorageListener, only?: ReadonlyArray<StorageEvent['type']>): () => void {
    return this.events.on(fn, only);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.assertOpen();
    checkKey(key);
    return this._get(key);
  }

  async put(key: string, value: Uint8Array, opts?: WriteOptions): Promise<void> {
    this.assertOpen();
    checkKey(key);
    this.fence(key, opts?.term);
    // Accepted: from here to the write being queued there is no await, so no lock change can slip in.
    if (this.events.wants('write')) this.events.emit({ type: 'write', key, op: 'put', term: opts?.term });
    return this.ordered(key, () => this._put(key, value));
  }

  async delete(key: string, opts?: WriteOptions): Promise<void> {
    this.assertOpen();
    checkKey(key);
    this.fence(key, opts?.term);
    // Deleting a lock's key is the lab's "delete core/lock" fault: its holder loses the lease now.
    this.locks.drop(key);
    if (this.events.wants('write')) this.events.emit({ type: 'write', key, op: 'delete', term: opts?.term });
    return this.ordered(key, () => this._del(key));
  }

  async batch(ops: readonly BatchOp[], opts?: WriteOptions): Promise<void> {
    this.assertOpen();
    for (const op of ops) checkBatchOp(op);
    if (ops.length === 0) return;
    // One fencing decision for the whole batch (the term is the batch's): a deposed leader's batch is refused whole.
    this.fence(ops[0].key, opts?.term);
    for (const op of ops) if (op.type === 'delete') this.locks.drop(op.key);
    // Each op is a write event as a put or delete is, so the drill checker sees every key written.
    if (this.events.wants('write')) for (const op of ops) this.events.emit({ type: 'write', key: op.key, op: op.type, term: opts?.term });
    return this.orderedAll(
      ops.map((op) => op.key),
      () => this._batch(ops),
    );
  }

  async list(prefix: string): Promise<string[]> {
    this.assertOpen();
    checkPrefix(prefix);
    const out: string[] = [];
    const cursor = this._keys(prefixRange(prefix));
    try {
      for (let batch = await cursor.nextv(LIST_BATCH); batch.length > 0; batch = await cursor.nextv(LIST_BATCH)) {
        for (const key of batch) {
          if (isReservedKey(key)) continue;
          const child = childOf(prefix, key);
          // Keys are sorted, so a folder's keys are adjacent: a repeat of the last child is the same folder.
          if (child !== out[out.length - 1]) out.push(child);
        }
        // Skip the rest of a folder the batch ended inside: '0' is the character after '/'.
        const last = batch[batch.length - 1];
        if (!isReservedKey(last)) {
          const child = childOf(prefix, last);
          if (child.endsWith('/')) cursor.seek(prefix + child.slice(0, -1) + '0');
        }
      }
    } finally {
      await cursor.close();
    }
    return out;
  }

  /** Ends every lease, waits for queued writes, closes the database (idempotent). */
  async close(): Promise<void> {
    if (this.status === 'closed') return;
    const wasOpen = this.status === 'open';
    this.status = 'closed';
    this.locks.close();
    await Promise.allSettled([...this.inflight.values()]);
    if (wasOpen) await this._close();
  }

  lock(key: string, value: string, opts: LockOptions): Lock {
    this.assertOpen();
    checkKey(key);
    if (!(opts.ttlMs > 0)) throw new RangeError(`lock TTL must be positive, got ${opts.ttlMs}`);
    if (opts.lockDelayMs !== undefined && !(opts.lockDelayMs >= 0))
      throw new RangeError(`lock delay must not be negative, got ${opts.lockDelayMs}`);
    return new LockHandle(this.locks, (k) => this.persistLock(k), key, value, opts.holder, opts.ttlMs, opts.lockDelayMs ?? 0);
  }

  setFencing(on: boolean): void {
    this.fencing = on;
  }

  fences(): boolean {
    return this.fencing;
  }

  /** Opens the database. */
  protected abstract _open(): Promise<void>;
  /** Closes the database. */
  protected abstract _close(): Promise<void>;
  /** The stored bytes, a copy the caller may keep and change. */
  protected abstract _get(key: string): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** Stores a copy of value (a caller may reuse or wipe its buffer afterwards). */
  protected abstract _put(key: string, value: Uint8Array): Promise<void>;
  /** Removes key (a missing key is fine). */
  protected abstract _del(key: string): Promise<void>;
  /** Applies every op or none, in order (values copied, as _put does). */
  protected abstract _batch(ops: readonly BatchOp[]): Promise<void>;
  /** A cursor over the keys in range, in byte order. */
  protected abstract _keys(range: KeyRange): KeyCursor;

  /** Refuses a write older than the fencing lock's latest term; synchronous, so atomic with the write (docs/invariants.md). */
  private fence(key: string, term: number | undefined): void {
    if (term === undefined || !this.fencing) return;
    const current = this.locks.fencingTerm(this.fencingKey);
    if (term >= current) return;
    this.events.emit({ type: 'fenced', key, term, currentTerm: current });
    throw new FencedWriteError(term, current);
  }

  /**
   * Runs `write` after any earlier write to the same key has finished. classic-level runs
   * writes on a thread pool, where two writes to one key could land in either order; chaining
   * per key makes the stored value the last one storage accepted, which fencing relies on.
   */
  private ordered(key: string, write: () => Promise<void>): Promise<void> {
    const before = this.inflight.get(key);
    return this.track([key], before ? before.then(write, write) : write());
  }

  /** ordered() for a batch: `write` runs once every earlier write to any of its keys has finished. */
  private orderedAll(keys: readonly string[], write: () => Promise<void>): Promise<void> {
    const unique = [...new Set(keys)];
    const before = unique.map((k) => this.inflight.get(k)).filter((p) => p !== undefined);
    return this.track(unique, before.length ? Promise.allSettled(before).then(write) : write());
  }

  /** Makes `done` the latest write of each key until it settles, and reports the database's health from it. */
  private track(keys: readonly string[], done: Promise<void>): Promise<void> {
    for (const key of keys) this.inflight.set(key, done);
    const forget = () => {
      for (const key of keys) if (this.inflight.get(key) === done) this.inflight.delete(key);
    };
    done.then(
      () => (forget(), this.wrote()),
      (err: unknown) => (forget(), this.writeFailed(err)),
    );
    return done;
  }

  /** A write reached the database: if writes were failing, they work again. */
  private wrote(): void {
    if (!this.failing) return;
    this.failing = undefined;
    this.events.emit({ type: 'health' });
  }

  /** A write failed in the database (the hooks translate its errors); the first of a run is an event. */
  private writeFailed(err: unknown): void {
    if (err instanceof BackendClosedError) return;
    const code = err instanceof StorageError ? err.code : 'STORAGE_IO';
    const message = err instanceof Error ? err.message : String(err);
    if (this.failing) {
      this.failing = { ...this.failing, code, message, failures: this.failing.failures + 1 };
      return;
    }
    this.failing = { code, message, since: this.clock.now(), failures: 1 };
    this.events.emit({ type: 'health', failure: { ...this.failing } });
  }

  /** Mirrors a lease to storage in plaintext JSON (nothing secret) and a new highest term to its own key. */
  private async persistLock(key: string): Promise<void> {
    if (this.status !== 'open') throw new BackendClosedError();
    const lease = this.locks.lease(key);
    if (!lease) return this.ordered(key, () => this._del(key));
    const record = { holder: lease.holder, value: lease.value, term: lease.term, expires: lease.expires };
    const writes = [this.ordered(key, () => this._put(key, enc.encode(JSON.stringify(record))))];
    const highest = this.locks.highestTerm;
    if (highest > this.storedTerm) {
      this.storedTerm = highest;
      writes.push(this.ordered(TERM_KEY, () => this._put(TERM_KEY, enc.encode(String(highest)))));
    }
    await Promise.all(writes);
  }

  private assertOpen(): void {
    if (this.status !== 'open') throw new BackendClosedError(this.status === 'new' ? 'storage backend is not open yet' : undefined);
  }
}
