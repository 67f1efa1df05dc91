/**
 * The barrier (Vault's AESGCMBarrier): every value a node stores is sealed (see
 * value-sealer.ts) with the keyring key of a term under a fresh random nonce, with the
 * storage path as additional authenticated data, so storage can neither read, forge, flip
 * nor move a value undetected. The root key and keyring in storage are RootKeyStore's
 * (core/master, core/keyring, core/root-key). While its node holds the HA lock it may serve
 * reads from a cache of plaintext (see cacheReads). A value sealed under a term this barrier
 * does not know yet (another node rotated) makes it read the keyring again, as Vault's
 * standbys poll for keyring upgrades.
 */
import type { Backend, BatchOp, WriteOptions } from '../storage/index.ts';
import { isHABackend, StorageKeys } from '../storage/index.ts';
import type { Aead } from './aead.ts';
import type { Barrier, KeyStatus, Storage } from './barrier.ts';
import { BarrierSealedError, BarrierUnsealError } from './errors.ts';
import { Keyring } from './keyring.ts';
import { BarrierView } from './barrier-view.ts';
import { PlaintextCache, type ReadCacheStats } from './plaintext-cache.ts';
import { randomKey, wipe } from './random.ts';
import { RootKeyStore } from './root-key-store.ts';
import { ValueSealer } from './value-sealer.ts';

/** Options of the barrier. */
export interface BarrierOptions {
  backend: Backend;
  aead: Aead;
  /** Milliseconds since the epoch (for key install times). */
  now?: () => number;
}

/** The AES-256-GCM barrier over a Backend. */
export class AesGcmBarrier implements Barrier {
  private rootKey: Uint8Array | undefined;
  private keyring: Keyring | undefined;
  private writeOpts: WriteOptions = {};
  private encryptions = 0;
  private cache: PlaintextCache | undefined;
  /** Lookups of the caches this barrier dropped, so its counts only ever grow (a bench takes differences). */
  private retiredCacheStats: ReadCacheStats = { hits: 0, misses: 0 };
  /** Writes started so far, and in flight now: a read that overlapped a write must not fill the cache. */
  private writesStarted = 0;
  private writesInFlight = 0;
  private readonly backend: Backend;
  private readonly aead: Aead;
  private readonly sealer: ValueSealer;
  private readonly keys: RootKeyStore;
  private readonly now: () => number;

  constructor(opts: BarrierOptions) {
    this.backend = opts.backend;
    this.aead = opts.aead;
    this.sealer = new ValueSealer(opts.aead);
    this.keys = new RootKeyStore(opts.backend, this.sealer);
    this.now = opts.now ?? Date.now;
  }

  get sealed(): boolean {
    return this.keyring === undefined;
  }

  async initialized(): Promise<boolean> {
    return (await this.backend.get(StorageKeys.keyring)) !== undefined;
  }

  async initialize(unsealKey: Uint8Array): Promise<void> {
    const rootKey = randomKey();
    const ring = Keyring.fresh(randomKey(), this.now());
    try {
      await this.keys.create(unsealKey, rootKey, ring);
    } finally {
      wipe(rootKey);
      ring.wipe();
    }
  }

  async unseal(unsealKey: Uint8Array): Promise<void> {
    const rootKey = await this.keys.openRoot(unsealKey);
    try {
      this.keyring?.wipe();
      this.keyring = await this.keys.readKeyring(rootKey);
      this.rootKey = rootKey;
    } catch (err) {
      wipe(rootKey);
      throw err;
    }
  }

  async verifyUnsealKey(unsealKey: Uint8Array): Promise<boolean> {
    try {
      wipe(await this.keys.openRoot(unsealKey));
      return true;
    } catch (err) {
      if (err instanceof BarrierUnsealError) return false;
      throw err;
    }
  }

  /** A new root key, the keyring sealed under it, and it under the new unseal key (see RootKeyStore.replaceRoot). */
  async rekey(newUnsealKey: Uint8Array): Promise<void> {
    const ring = this.ring();
    const rootKey = randomKey();
    try {
      await this.keys.replaceRoot(newUnsealKey, rootKey, ring, this.writeOpts);
    } catch (err) {
      wipe(rootKey);
      throw err;
    }
    this.cache?.delete(StorageKeys.rootKeyCopy);
    wipe(this.rootKey);
    this.rootKey = rootKey;
  }

  async reloadKeyring(): Promise<void> {
    if (!this.rootKey) throw new BarrierSealedError();
    this.cache?.wipe();
    const { rootKey, ring } = await this.keys.reload(this.rootKey, this.keyring);
    if (rootKey !== this.rootKey) {
      // Another node rekeyed: the old root key opens nothing current any more.
      wipe(this.rootKey);
      this.rootKey = rootKey;
    }
    const old = this.keyring;
    this.keyring = ring;
    if (old && old !== ring) old.wipe();
    this.aead.forget();
  }

  seal(): void {
    this.cacheReads(false);
    this.keyring?.wipe();
    wipe(this.rootKey);
    this.keyring = undefined;
    this.rootKey = undefined;
    this.aead.forget();
  }

  async rotate(): Promise<number> {
    const ring = this.ring().rotate(randomKey(), this.now());
    await this.keys.writeKeyring(this.rootKey!, ring, this.writeOpts);
    this.keyring = ring; // the old ring's keys live on inside the new one: nothing to wipe
    this.encryptions = 0;
    return ring.activeTerm;
  }

  keyStatus(): KeyStatus {
    const a = this.ring().active;
    return { term: a.term, installTime: new Date(a.installTime), encryptions: this.encryptions };
  }

  setWriteOptions(opts: WriteOptions): void {
    this.writeOpts = { ...opts };
  }

  cacheReads(on: boolean): void {
    this.cache?.wipe();
    this.retiredCacheStats = this.readCacheStats();
    this.cache = on ? new PlaintextCache() : undefined;
  }

  readCacheStats(): ReadCacheStats {
    const now = this.cache?.stats() ?? { hits: 0, misses: 0 };
    return { hits: this.retiredCacheStats.hits + now.hits, misses: this.retiredCacheStats.misses + now.misses };
  }

  /** The cache, while it may be trusted: only while storage fences (see cacheReads). */
  private trustedCache(): PlaintextCache | undefined {
    if (!this.cache) return undefined;
    if (isHABackend(this.backend) && this.backend.fences()) return this.cache;
    this.cache.wipe();
    return undefined;
  }

  /**
   * A path read as missing is cached as missing too (a KV mount's `config`, read by every
   * write and rarely ever written). That is as safe as caching a value: while this node holds
   * the lock under fencing, only it can write, and its own writes (put, delete, batch) pass
   * through here and update or drop the entry. A new active starts with an empty cache, so
   * whatever another node wrote before is read from storage.
   */
  async get(key: string): Promise<Uint8Array | undefined> {
    this.ring();
    const cache = this.trustedCache();
    const hit = cache?.lookup(key);
    if (hit !== undefined) return hit ?? undefined;
    const started = this.writesStarted;
    const raw = await this.backend.get(key);
    // Only a read that no write overlapped may fill the cache, or it could put back an older value.
    const fill = cache && cache === this.cache && this.writesStarted === started && this.writesInFlight === 0;
    if (!raw) {
      if (fill) cache.setAbsent(key);
      return undefined;
    }
    // The ring as it is now, after the await: a reload meanwhile wiped the old one's keys.
    if (!this.sealer.knowsTerm(this.ring(), raw)) await this.reloadKeyring();
    const plain = this.sealer.openWith(this.ring(), key, raw);
    if (fill) cache.set(key, plain);
    return plain;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const ring = this.ring();
    const a = ring.active;
    this.encryptions++;
    this.writesStarted++;
    this.writesInFlight++;
    try {
      await this.backend.put(key, this.sealer.seal(a.term, a.key, key, value), this.writeOpts);
      this.trustedCache()?.set(key, value);
    } catch (err) {
      this.cache?.delete(key);
      throw err;
    } finally {
      this.writesInFlight--;
    }
  }

  async delete(key: string): Promise<void> {
    this.ring();
    this.writesStarted++;
    this.writesInFlight++;
    try {
      await this.backend.delete(key, this.writeOpts);
    } finally {
      this.cache?.delete(key);
      this.writesInFlight--;
    }
  }

  async batch(ops: readonly BatchOp[]): Promise<void> {
    const a = this.ring().active;
    const sealed = ops.map((op): BatchOp => {
      if (op.type === 'delete') return op;
      this.encryptions++;
      return { type: 'put', key: op.key, value: this.sealer.seal(a.term, a.key, op.key, op.value) };
    });
    this.writesStarted++;
    this.writesInFlight++;
    try {
      await this.backend.batch(sealed, this.writeOpts);
      const cache = this.trustedCache();
      for (const op of ops) {
        if (op.type === 'put') cache?.set(op.key, op.value);
        else cache?.delete(op.key);
      }
    } catch (err) {
      // As after a failed put or delete: storage's state is not known for sure, so the keys are read again.
      for (const op of ops) this.cache?.delete(op.key);
      throw err;
    } finally {
      this.writesInFlight--;
    }
  }

  async list(prefix: string): Promise<string[]> {
    this.ring();
    return this.backend.list(prefix);
  }

  view(prefix: string): Storage {
    return new BarrierView(this, prefix);
  }

  encrypt(context: string, plaintext: Uint8Array): Uint8Array {
    const a = this.ring().active;
    this.encryptions++;
    return this.sealer.seal(a.term, a.key, context, plaintext);
  }

  decrypt(context: string, sealed: Uint8Array): Uint8Array {
    return this.sealer.openWith(this.ring(), context, sealed);
  }

  private ring(): Keyring {
    if (!this.keyring) throw new BarrierSealedError();
    return this.keyring;
  }
}
