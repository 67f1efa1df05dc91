/**
 * The barrier contract: everything a node stores goes through it, encrypted with the
 * current keyring term, with the storage path as additional authenticated data, so
 * storage (untrusted) can neither read, forge, flip nor move a value undetected.
 */
import type { BatchOp, WriteOptions } from '../storage/index.ts';
import type { ReadCacheStats } from './plaintext-cache.ts';

/** Storage as an engine sees it: plaintext values under relative keys. */
export interface Storage {
  /** The plaintext at key, or undefined. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Encrypts and stores. */
  put(key: string, value: Uint8Array): Promise<void>;
  /** Removes key (missing is fine). */
  delete(key: string): Promise<void>;
  /** Encrypts each put and applies every op or none, in order, as one storage write. */
  batch(ops: readonly BatchOp[]): Promise<void>;
  /** Direct children of prefix; folders end in '/'. */
  list(prefix: string): Promise<string[]>;
}

/** Key status as `sys/key-status` reports it. */
export interface KeyStatus {
  term: number;
  installTime: Date;
  encryptions: number;
}

/** The encrypting layer between a node and its Backend (Vault's SecurityBarrier). */
export interface Barrier extends Storage {
  /** True while no keyring is loaded. */
  readonly sealed: boolean;
  /** True once core/keyring exists in storage. */
  initialized(): Promise<boolean>;
  /**
   * Creates a fresh keyring (term 1) under a new root key, stores the root key sealed by
   * `unsealKey` at core/master, through the barrier at core/root-key, and the keyring sealed by the root key at core/keyring.
   * Leaves the barrier sealed. Unfenced writes: the node is not active during init.
   */
  initialize(unsealKey: Uint8Array): Promise<void>;
  /** Decrypts the root key with `unsealKey` and loads the keyring; BarrierUnsealError when it does not decrypt. */
  unseal(unsealKey: Uint8Array): Promise<void>;
  /** True when `unsealKey` opens the stored root key (what rekey and generate-root check shares against). */
  verifyUnsealKey(unsealKey: Uint8Array): Promise<boolean>;
  /**
   * Makes a new root key, stores the keyring under it and it under `newUnsealKey` in one batch,
   * and wipes the old one (Vault's Rekey): the old unseal key, or an old core/master, opens nothing current.
   */
  rekey(newUnsealKey: Uint8Array): Promise<void>;
  /**
   * Re-reads the keyring from storage with the root key in memory (after another node rotated
   * it), or with the root key core/root-key holds when another node rekeyed.
   */
  reloadKeyring(): Promise<void>;
  /** Zero-fills the root key and every keyring key and drops them; later calls throw BarrierSealedError. */
  seal(): void;
  /** Adds a keyring term and makes it the active one; returns the new term. */
  rotate(): Promise<number>;
  /** The active term, its install time and how many encryptions it did. */
  keyStatus(): KeyStatus;
  /** The fencing term every write carries (set by HA while active; undefined = unfenced). */
  setWriteOptions(opts: WriteOptions): void;
  /**
   * Serves reads from a cache of the values this node read and wrote (on: the node holds
   * the HA lock); off wipes it. The cache is bypassed and wiped whenever storage does not
   * fence, since then another node's write could land unseen.
   */
  cacheReads(on: boolean): void;
  /** Reads the cache answered and reads it could not, over this barrier's life (every cache it had). */
  readCacheStats(): ReadCacheStats;
  /** A prefix-scoped Storage (Vault's BarrierView), e.g. `view('logical/<uuid>/')`. */
  view(prefix: string): Storage;
  /**
   * Seals bytes with the active keyring term and writes nothing (Vault's BarrierEncryptor):
   * any unsealed barrier over the same keyring opens them, a sealed one cannot. `context`
   * is the additional data, as a storage path is for a stored value.
   */
  encrypt(context: string, plaintext: Uint8Array): Uint8Array;
  /** Opens what encrypt() sealed under the same context; DecryptError when it does not authenticate. */
  decrypt(context: string, sealed: Uint8Array): Uint8Array;
}
