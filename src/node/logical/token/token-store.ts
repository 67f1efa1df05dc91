/**
 * Where tokens live: entries stored only under a salted hash of the token id
 * (`sys/token/id/<hash>`), an accessor index under a salted hash of the accessor, and a
 * parent → children index so revoking a parent revokes its tree. The salt itself is
 * random, stored through the barrier, and forgotten on seal.
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../../../clock/index.ts';
import type { Barrier } from '../../../crypto/index.ts';
import { newAccessor, newServiceToken, randomBase62 } from '../../../crypto/index.ts';
import { StorageKeys } from '../../../storage/index.ts';
import { KeyLocks } from '../key-locks.ts';
import { isBatchToken, openBatchToken, sealBatchToken } from './batch-token.ts';
import type { TokenEntry } from './token-entry.ts';

/** `numUses` of a token whose last use is being served: no lookup finds it any more (Vault's tokenRevocationPending). */
export const REVOCATION_PENDING = -1;

/** What spending one use of a token came to. */
export type UseOutcome = 'unlimited' | 'spent' | 'last' | 'denied';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Reads and writes token entries through the barrier. */
export class TokenStore {
  private salt: string | undefined;
  /** Decrypted entries by token id, so a request costs neither an HMAC nor a decrypt for its token (dropped on seal). */
  private readonly cache = new Map<string, TokenEntry>();
  /** One use at a time per token: a read-decrement-write that two requests interleave loses a use. */
  private readonly useLocks = new KeyLocks();

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

  /** The id of a batch token for this entry: sealed, never stored (see batch-token.ts). */
  sealBatch(entry: TokenEntry): string {
    return sealBatchToken(this.barrier, entry);
  }

  /** The live entry for a token id, or undefined (unknown, revoked or expired). */
  async lookup(id: string): Promise<TokenEntry | undefined> {
    if (id && isBatchToken(id)) return this.lookupBatch(id);
    if (!id || id.length > 256) return undefined;
    let entry = this.cache.get(id);
    if (!entry) {
      const raw = await this.barrier.get(StorageKeys.tokenIdPrefix + this.hash(id));
      if (!raw) return undefined;
      entry = JSON.parse(dec.decode(raw)) as TokenEntry;
      if (this.cache.size >= 10_000) this.cache.clear(); // a bound, not an LRU: labs hold few live tokens
      this.cache.set(id, entry);
    }
    if (entry.id !== id || entry.numUses < 0) return undefined;
    if (entry.expireTime && entry.expireTime <= this.clock.now()) return undefined;
    return entry;
  }

  /**
   * A batch token is live while it has not expired and, unless an orphan, while its parent
   * is live: it is in no parent index, so revoking the parent cannot reach it (Vault checks
   * the parent on every use).
   */
  private async lookupBatch(id: string): Promise<TokenEntry | undefined> {
    const entry = openBatchToken(this.barrier, id);
    if (!entry || entry.expireTime <= this.clock.now()) return undefined;
    if (entry.parentHash && !(await this.liveByHash(entry.parentHash))) return undefined;
    return entry;
  }

  /** The entry stored under a salted hash, if it is live (not revoked, spent or expired). */
  private async liveByHash(h: string): Promise<TokenEntry | undefined> {
    const e = await this.byHash(h);
    if (!e || e.numUses < 0 || (e.expireTime && e.expireTime <= this.clock.now())) return undefined;
    return e;
  }

  /**
   * Takes one use from a token before its request runs, atomically per token and stored
   * before the request may proceed: `denied` when no use is left, `last` when this request
   * spends the final one (the token is then invisible to lookups and must be revoked once
   * the request is served).
   */
  spendUse(entry: TokenEntry): Promise<UseOutcome> {
    if (entry.numUses === 0) return Promise.resolve('unlimited');
    return this.useLocks.with(entry.id, async () => {
      const current = await this.lookup(entry.id);
      if (!current) return 'denied';
      if (current.numUses === 0) return 'unlimited';
      const left = current.numUses - 1;
      await this.save({ ...current, numUses: left === 0 ? REVOCATION_PENDING : left });
      return left === 0 ? 'last' : 'spent';
    });
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

  /** Every stored token's salted hash with its expiry (0 = never) and whether its revocation is pending. */
  async expiries(): Promise<Array<{ hash: string; expireTime: number; revocationPending: boolean }>> {
    const out: Array<{ hash: string; expireTime: number; revocationPending: boolean }> = [];
    for (const h of await this.barrier.list(StorageKeys.tokenIdPrefix)) {
      const e = await this.byHash(h);
      if (e) out.push({ hash: h, expireTime: e.expireTime, revocationPending: e.numUses < 0 });
    }
    return out;
  }

  /** Reads an entry by its salted hash (for walking the tree). */
  async byHash(h: string): Promise<TokenEntry | undefined> {
    const raw = await this.barrier.get(StorageKeys.tokenIdPrefix + h);
    return raw ? (JSON.parse(dec.decode(raw)) as TokenEntry) : undefined;
  }
}
