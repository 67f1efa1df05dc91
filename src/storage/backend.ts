/**
 * The storage contract. Storage is untrusted: it only ever sees the barrier's
 * ciphertext (plus the few plaintext keys Vault also keeps in the clear: the seal
 * configuration and the HA lock). Keys are '/'-separated paths; values are bytes.
 */

/** Options carried by a write. */
export interface WriteOptions {
  /**
   * The lock term of the active node making the write. An HA backend with fencing on
   * refuses, atomically with the write, any write whose term is older than the lock's.
   * Undefined = an unfenced write (init, or a node that has never been active).
   */
  term?: number;
}

/** One write of a batch: a put of bytes, or a delete. */
export type BatchOp = { type: 'put'; key: string; value: Uint8Array } | { type: 'delete'; key: string };

/** A key/value store with Vault's physical semantics. */
export interface Backend {
  /** The stored bytes, or undefined when the key is missing. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores bytes at key, replacing any previous value. */
  put(key: string, value: Uint8Array, opts?: WriteOptions): Promise<void>;
  /** Removes key; removing a missing key is fine. */
  delete(key: string, opts?: WriteOptions): Promise<void>;
  /**
   * Applies the ops in order, all or none (one database write). Fencing judges the batch as
   * one write: a stale term refuses every op of it. An empty batch does nothing.
   */
  batch(ops: readonly BatchOp[], opts?: WriteOptions): Promise<void>;
  /** Direct children of prefix, sorted; sub-folders end with '/'. */
  list(prefix: string): Promise<string[]>;
  /** Releases files and handles. */
  close(): Promise<void>;
}

/** What a lock holder learns when it takes the lock. */
export interface LockGrant {
  /** The fencing epoch of this acquisition: strictly greater than every earlier one. */
  readonly term: number;
  /** Aborts when the holder has lost the lock (expired, taken over, released, fenced). */
  readonly lost: AbortSignal;
}

/** The current contents of a lock key, as seen by anyone. */
export interface LockValue {
  held: boolean;
  /** The holder's advertised value (not secret: api and cluster addresses). */
  value?: string;
  term?: number;
  holder?: string;
  /** When the lease runs out unless renewed (ms since epoch). */
  expires?: number;
}

/** One contender's handle on a lock key (Vault's physical.Lock). */
export interface Lock {
  /** Blocks until the lock is taken (resolves the grant) or the signal aborts (resolves undefined). */
  acquire(signal: AbortSignal): Promise<LockGrant | undefined>;
  /** Extends the lease; rejects with LockLostError when this handle no longer holds it. */
  renew(): Promise<void>;
  /** Gives the lock up (no-op when not held). */
  release(): Promise<void>;
  /** Who holds the lock, if anyone. */
  value(): Promise<LockValue>;
}

/** A Backend that can elect a leader and fence stale writers. */
export interface HABackend extends Backend {
  /** A new contender handle on `key` that will advertise `value` while it holds the lock. */
  lock(key: string, value: string, opts: LockOptions): Lock;
  /** Turns write fencing on or off (off only for the split-brain drill). */
  setFencing(on: boolean): void;
  /** Whether writes are fenced now (then a lock holder is the only writer that storage accepts). */
  fences(): boolean;
}

/** How a contender holds a lock. */
export interface LockOptions {
  /** Who holds it (one id per process incarnation). */
  holder: string;
  /** How long storage keeps the lease without a renewal. */
  ttlMs: number;
  /**
   * After this holder's lease lapses (not after a release), how long nobody may take the
   * lock: Consul's session lock-delay (15 s by default there; 0, the default here, elsewhere).
   */
  lockDelayMs?: number;
}

/** True when a backend also implements HABackend. */
export function isHABackend(b: Backend): b is HABackend {
  return typeof (b as Partial<HABackend>).lock === 'function';
}
