/**
 * Where tokens live: entries stored only under a salted hash of the token id
 * (`sys/token/id/<hash>`), an accessor index under a salted hash of the accessor, and a
 * parent → children index so revoking a parent revokes its tree. The salt itself is
 * random, stored through the barrier, and forgotten on seal.
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../../clock/index.ts';
import type { Barrier } from '../../crypto/index.ts';
import { newAccessor, newServiceToken, randomBase62 } from '../../crypto/index.ts';
import { StorageKeys } from '../../storage/index.ts';
import type { TokenEntry } from './token-entry.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Reads and writes token entries through the barrier. */
export class TokenStore {
  private salt: string | undefined;
  /** Decrypted entries by token id, so a request costs neither an HMAC nor a decrypt for its token (dropped on seal). */
  private readonly cache = new Map<string, TokenEntry>();

  constructor(
    private readonly barrier: Barrier,
    private readonly clock: Clock,
  ) {}

  /** Loads (or creates, at init) the salt. */
  async load(): Promise<void> {
    const raw = await this.barrier.get(StorageKeys.tokenSalt);
    if (raw) {
      this.salt = dec.decode(raw);
      return;
    }
    this.salt = randomBase62(32);
    await this.barrier.put(StorageKeys.tokenSalt, enc.encode(this.salt));
  }

  /** Forgets the salt and every cached entry (seal, step-down). */
  unload(): void {
    this.salt = undefined;
    this.cache.clear();
  }

  /** The salted hash under which a token id or accessor is stored. */
  hash(value: string): string {
    if (!this.salt) throw new Error('token store not loaded');
    return createHmac('sha256', this.salt).update(value).digest('hex');
  }

  /** Creates and stores a root token (policy root, never expires). */
  async createRoot(id?: string): Promise<TokenEntry> {
    const now = this.clock.now();
    const entry: TokenEntry = {
      id: id ?? newServiceToken(),
      accessor: newAccessor(),
      policies: ['root'],
      path: 'auth/token/root',
      meta: null,
      displayName: 'root',
      numUses: 0,
      orphan: true,
      parentHash: '',
      creationTime: now,
      creationTtl: 0,
      explicitMaxTtl: 0,
      period: 0,
      expireTime: 0,
      lastRenewalTime: 0,
      renewable: false,
      type: 'service',
      role: '',
    };
    await this.save(entry);
    return entry;
  }

  /** Stores an entry and its accessor and parent indexes. */
  async save(entry: TokenEntry): Promise<void> {
    const h = this.hash(entry.id);
    await this.barrier.put(StorageKeys.tokenIdPrefix + h, enc.encode(JSON.stringify(entry)));
    await this.barrier.put(StorageKeys.tokenAccessorPrefix + this.hash(entry.accessor), enc.encode(entry.id));
    if (entry.parentHash) await this.barrier.put(`${StorageKeys.tokenParentPrefix}${entry.parentHash}/${h}`, enc.encode(''));
    this.cache.set(entry.id, entry);
  }

  /** The live entry for a token id, or undefined (unknown, revoked or expired). */
  async lookup(id: string): Promise<TokenEntry | undefined> {
    if (!id || id.length > 256) return undefined;
    let entry = this.cache.get(id);
    if (!entry) {
      const raw = await this.barrier.get(StorageKeys.tokenIdPrefix + this.hash(id));
      if (!raw) return undefined;
      entry = JSON.parse(dec.decode(raw)) as TokenEntry;
      if (this.cache.size >= 10_000) this.cache.clear(); // a bound, not an LRU: labs hold few live tokens
      this.cache.set(id, entry);
    }
    if (entry.id !== id) return undefined;
    if (entry.expireTime && entry.expireTime <= this.clock.now()) return undefined;
    return entry;
  }

  /** Takes one use from a limited-use token; true when that was its last. */
  async spendUse(entry: TokenEntry): Promise<boolean> {
    if (entry.numUses <= 0) return false;
    if (entry.numUses === 1) return true;
    await this.save({ ...entry, numUses: entry.numUses - 1 });
    return false;
  }

  /** The token id behind an accessor, or undefined. */
  async idForAccessor(accessor: string): Promise<string | undefined> {
    if (!accessor || accessor.length > 256) return undefined;
    const raw = await this.barrier.get(StorageKeys.tokenAccessorPrefix + this.hash(accessor));
    return raw ? dec.decode(raw) : undefined;
  }

  /** Removes one token (not its children) and its indexes. */
  async remove(entry: TokenEntry): Promise<void> {
    const h = this.hash(entry.id);
    this.cache.delete(entry.id);
    await this.barrier.delete(StorageKeys.tokenIdPrefix + h);
    await this.barrier.delete(StorageKeys.tokenAccessorPrefix + this.hash(entry.accessor));
    if (entry.parentHash) await this.barrier.delete(`${StorageKeys.tokenParentPrefix}${entry.parentHash}/${h}`);
  }

  /** Salted hashes of a token's direct children. */
  async childHashes(entry: TokenEntry): Promise<string[]> {
    return this.barrier.list(`${StorageKeys.tokenParentPrefix}${this.hash(entry.id)}/`);
  }

  /** Reads an entry by its salted hash (for walking the tree). */
  async byHash(h: string): Promise<TokenEntry | undefined> {
    const raw = await this.barrier.get(StorageKeys.tokenIdPrefix + h);
    return raw ? (JSON.parse(dec.decode(raw)) as TokenEntry) : undefined;
  }
}
