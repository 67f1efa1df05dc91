/**
 * Storage on a real etcd v3 cluster, through the etcd3 client: what lets nodes in separate
 * processes (or machines) share one storage, as Vault's etcd backend does. Keys live under a
 * prefix (Vault's `path`), values are the barrier's ciphertext as they are on every backend.
 * What vaultlab adds to Vault's etcd backend is fencing in etcd itself: a write with a term is
 * one transaction that first compares the lock key's create revision with that term, so a
 * paused or partitioned ex-active's write is refused by etcd, not by the ex-active's goodwill
 * (docs/invariants.md: single writer per term; Vault has no fencing on etcd).
 */
import { Etcd3, type IOptions, type Namespace } from 'etcd3';
import type { BatchOp, HABackend, Lock, LockOptions, WriteOptions } from '../backend.ts';
import { BackendClosedError, FencedWriteError, StorageError, StorageIoError } from '../errors.ts';
import { checkBatchOp, checkKey, checkPrefix, childOf } from '../key-rules.ts';
import { StorageKeys } from '../keys.ts';
import { StorageEvents, type LockEventKind, type StorageEvent, type StorageListener, type WriteFailure } from '../storage-events.ts';
import { etcdFaultHandling } from './etcd-fault-handling.ts';
import { EtcdLock, type EtcdLockHost } from './etcd-lock.ts';
import { DEFAULT_ETCD_PREFIX, DEFAULT_ETCD_REQUEST_TIMEOUT_MS, type EtcdBackendOptions } from './etcd-options.ts';

/** Every op of a batch is one op of a txn, and etcd refuses a txn naming one key twice: the last op on a key is the one that counts. */
function lastOpPerKey(ops: readonly BatchOp[]): BatchOp[] {
  const byKey = new Map<string, BatchOp>();
  for (const op of ops) {
    byKey.delete(op.key);
    byKey.set(op.key, op);
  }
  return [...byKey.values()];
}

/** The client settings of Vault's etcd keys. */
function clientOptions(o: EtcdBackendOptions, hosts: readonly string[]): IOptions {
  const tls = o.tls;
  return {
    hosts: [...hosts],
    dialTimeout: o.dialTimeoutMs ?? 5_000,
    faultHandling: etcdFaultHandling(),
    auth: o.auth,
    credentials: tls?.ca ? { rootCertificate: Buffer.from(tls.ca), privateKey: opt(tls.key), certChain: opt(tls.cert) } : undefined,
  };
}

function opt(b: Uint8Array | undefined): Buffer | undefined {
  return b && Buffer.from(b);
}

/** An HABackend on etcd, with the lock as a lease-bound key and fencing as a txn compare. */
export class EtcdBackend implements HABackend, EtcdLockHost {
  /** The lock whose create revision fences writes. */
  readonly fencingKey: string = StorageKeys.lock;
  /** What opening found worth telling the operator. */
  readonly warnings: string[] = [];
  readonly ns: Namespace;
  private readonly closer = new AbortController();
  private readonly events = new StorageEvents();
  private readonly timeoutMs: number;
  private fencing = true;
  /** Revokes under way: close waits for them, so a clean shutdown frees the lock at once. */
  private readonly settling = new Set<Promise<unknown>>();
  private failing: WriteFailure | undefined;

  private constructor(
    private readonly client: Etcd3,
    readonly prefix: string,
    timeoutMs: number,
  ) {
    this.ns = client.namespace(prefix);
    this.timeoutMs = timeoutMs;
  }

  /** Connects and checks that the cluster answers (a read of the prefix), adding the members' own URLs when `sync` is on. */
  static async open(o: EtcdBackendOptions): Promise<EtcdBackend> {
    if (o.endpoints.length === 0) throw new TypeError('the etcd backend needs at least one address');
    const prefix = o.prefix ?? DEFAULT_ETCD_PREFIX;
    const timeoutMs = o.requestTimeoutMs ?? DEFAULT_ETCD_REQUEST_TIMEOUT_MS;
    let client = new Etcd3(clientOptions(o, o.endpoints));
    try {
      if (o.sync !== false) {
        const found = await members(client, timeoutMs);
        const extra = found.filter((u) => !o.endpoints.includes(u));
        if (extra.length > 0) {
          client.close();
          client = new Etcd3(clientOptions(o, [...o.endpoints, ...extra]));
        }
      }
      const backend = new EtcdBackend(client, prefix, timeoutMs);
      await backend.call('read', () => backend.ns.get(StorageKeys.sealConfig).options(backend.callOptions()).exec());
      return backend;
    } catch (err) {
      client.close();
      // Whatever failed first (the member list, the first read), the operator needs the address it could not reach.
      const detail = err instanceof StorageIoError ? err.detail.replace(/^etcd: /, '') : (err as Error).message;
      throw new StorageIoError('read', `etcd at ${o.endpoints.join(',')}: ${detail}`, { cause: err });
    }
  }

  get closing(): AbortSignal {
    return this.closer.signal;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.assertOpen();
    checkKey(key);
    const buf = await this.call('read', () => this.ns.get(key).options(this.callOptions()).buffer());
    return buf === null ? undefined : new Uint8Array(buf);
  }

  put(key: string, value: Uint8Array, opts?: WriteOptions): Promise<void> {
    return this.batch([{ type: 'put', key, value }], opts);
  }

  delete(key: string, opts?: WriteOptions): Promise<void> {
    return this.batch([{ type: 'delete', key }], opts);
  }

  async batch(ops: readonly BatchOp[], opts?: WriteOptions): Promise<void> {
    this.assertOpen();
    for (const op of ops) checkBatchOp(op);
    if (ops.length === 0) return;
    const term = this.fencing ? opts?.term : undefined;
    const revision = await this.tracked(() => (term === undefined ? this.writeUnfenced(ops) : this.writeFenced(ops, term)));
    if (this.events.wants('write'))
      for (const op of ops) this.events.emit({ type: 'write', key: op.key, op: op.type, term: opts?.term, revision });
  }

  async list(prefix: string): Promise<string[]> {
    this.assertOpen();
    checkPrefix(prefix);
    const keys = await this.call('read', () => this.ns.getAll().prefix(prefix).options(this.callOptions()).keys());
    const out: string[] = [];
    // etcd answers in byte order, as level does: a folder's keys are adjacent.
    for (const key of keys) {
      const child = childOf(prefix, key);
      if (child !== out[out.length - 1]) out.push(child);
    }
    return out;
  }

  lock(key: string, value: string, opts: LockOptions): Lock {
    this.assertOpen();
    checkKey(key);
    if (!(opts.ttlMs > 0)) throw new RangeError(`lock TTL must be positive, got ${opts.ttlMs}`);
    // etcd has no lock-delay (a Consul session setting): a lapsed lease frees the key at once.
    return new EtcdLock(this, key, value, opts.holder, opts.ttlMs);
  }

  setFencing(on: boolean): void {
    this.fencing = on;
  }

  fences(): boolean {
    return this.fencing;
  }

  /** Subscribes to lock, write, fencing and health events as this client sees them; returns the unsubscribe function. */
  onEvent(fn: StorageListener, only?: ReadonlyArray<StorageEvent['type']>): () => void {
    return this.events.on(fn, only);
  }

  /** Why writes are failing now, or undefined while they work. */
  writeFailure(): WriteFailure | undefined {
    return this.failing && { ...this.failing };
  }

  /** Ends every lease this client holds (etcd frees their keys at once) and closes the connection (idempotent). */
  async close(): Promise<void> {
    if (this.closer.signal.aborted) return;
    // Aborting ends every grant, and each lock revokes its lease; the channel closes once those calls are answered.
    this.closer.abort(new BackendClosedError());
    await Promise.allSettled([...this.settling]);
    this.client.close();
  }

  settle(call: Promise<unknown>): void {
    const p = call.catch(() => undefined).finally(() => this.settling.delete(p));
    this.settling.add(p);
  }

  callOptions(): { deadline: number } {
    return { deadline: Date.now() + this.timeoutMs };
  }

  async call<T>(op: 'read' | 'write', fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StorageError) throw err;
      if (this.closer.signal.aborted || (err as Error).name === 'ClientClosedError') throw new BackendClosedError();
      throw new StorageIoError(op, `etcd: ${(err as Error).message}`, { cause: err });
    }
  }

  lockEvent(event: LockEventKind, key: string, holder: string, term: number, ttlMs: number): void {
    if (this.events.wants('lock')) this.events.emit({ type: 'lock', event, key, holder, term, expires: Date.now() + ttlMs });
  }

  /** One txn: the lock key's create revision must still be `term`, else nothing is written and the current one is read. */
  private async writeFenced(ops: readonly BatchOp[], term: number): Promise<number> {
    const { ns } = this;
    const res = await this.call('write', () =>
      ns
        .if(this.fencingKey, 'Create', '==', term)
        .then(...this.requests(ops))
        .else(ns.get(this.fencingKey))
        .options(this.callOptions())
        .commit(),
    );
    if (res.succeeded) return Number(res.header.revision);
    const current = Number(res.responses[0]?.response_range?.kvs[0]?.create_revision ?? 0);
    this.events.emit({ type: 'fenced', key: ops[0].key, term, currentTerm: current });
    throw new FencedWriteError(term, current);
  }

  /** A single op as itself; several as one txn whose compare always holds (etcd's only all-or-none write). */
  private async writeUnfenced(ops: readonly BatchOp[]): Promise<number> {
    const { ns } = this;
    const [only, ...more] = lastOpPerKey(ops);
    if (more.length === 0) {
      const res = await this.call<{ header: { revision: string } }>('write', () =>
        only.type === 'put'
          ? ns.put(only.key).value(Buffer.from(only.value)).options(this.callOptions()).exec()
          : ns.delete().key(only.key).options(this.callOptions()).exec(),
      );
      return Number(res.header.revision);
    }
    const res = await this.call('write', () =>
      ns
        .if(only.key, 'Version', '>', -1)
        .then(...this.requests(ops))
        .options(this.callOptions())
        .commit(),
    );
    return Number(res.header.revision);
  }

  private requests(ops: readonly BatchOp[]) {
    return lastOpPerKey(ops).map((op) =>
      op.type === 'put' ? this.ns.put(op.key).value(Buffer.from(op.value)) : this.ns.delete().key(op.key),
    );
  }

  /** Runs a write (resolving with the revision it landed at) and keeps the health the lab shows: the first failure of a run is an event, as is the first success after. */
  private async tracked(write: () => Promise<number>): Promise<number> {
    let revision: number;
    try {
      revision = await write();
    } catch (err) {
      if (!(err instanceof FencedWriteError) && !(err instanceof BackendClosedError)) this.writeFailed(err as Error);
      throw err;
    }
    if (this.failing) {
      this.failing = undefined;
      this.events.emit({ type: 'health' });
    }
    return revision;
  }

  private writeFailed(err: Error): void {
    const code = err instanceof StorageError ? err.code : 'STORAGE_IO';
    if (this.failing) {
      this.failing = { ...this.failing, code, message: err.message, failures: this.failing.failures + 1 };
      return;
    }
    this.failing = { code, message: err.message, since: Date.now(), failures: 1 };
    this.events.emit({ type: 'health', failure: { ...this.failing } });
  }

  private assertOpen(): void {
    if (this.closer.signal.aborted) throw new BackendClosedError();
  }
}

/** The client URLs the cluster lists for its members (Vault's `sync`). */
async function members(client: Etcd3, timeoutMs: number): Promise<string[]> {
  const res = await client.cluster.memberList({}, { deadline: Date.now() + timeoutMs });
  return res.members.flatMap((m) => m.clientURLs);
}
