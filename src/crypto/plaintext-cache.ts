/**
 * Decrypted values an active node read or wrote, by storage path. While a node holds the
 * HA lock and storage fences, nobody else can change what it stores, so a read may skip
 * storage and the AES-GCM decrypt (about half the CPU of a KV read). Copies go in and
 * out, so a caller that changes or wipes a buffer cannot change the cache; `wipe` zero-fills
 * every value, as sealing does to keys.
 */

/** Lookups answered from the cache and lookups it could not answer. */
export interface ReadCacheStats {
  hits: number;
  misses: number;
}

/** How many entries a cache holds by default: a KV v2 secret takes two (its metadata and its current version). */
export const PLAINTEXT_CACHE_LIMIT = 10_000;

/** Bytes by path, at most `limit` of them (the oldest go first). */
export class PlaintextCache {
  private readonly entries = new Map<string, Uint8Array>();
  private hits = 0;
  private misses = 0;

  constructor(private readonly limit = PLAINTEXT_CACHE_LIMIT) {}

  /** A copy of the cached plaintext at path, or undefined; counted as a hit or a miss. */
  get(path: string): Uint8Array | undefined {
    const bytes = this.entries.get(path);
    if (bytes) this.hits++;
    else this.misses++;
    return bytes?.slice();
  }

  /** Hits and misses since the cache was made (wiping it keeps them: they count lookups, not entries). */
  stats(): ReadCacheStats {
    return { hits: this.hits, misses: this.misses };
  }

  /** Caches a copy of value at path. */
  set(path: string, value: Uint8Array): void {
    const old = this.entries.get(path);
    if (old) {
      old.fill(0);
      this.entries.delete(path);
    } else if (this.entries.size >= this.limit) {
      const [oldest, bytes] = this.entries.entries().next().value as [string, Uint8Array];
      bytes.fill(0);
      this.entries.delete(oldest);
    }
    this.entries.set(path, value.slice());
  }

  /** Forgets path. */
  delete(path: string): void {
    this.entries.get(path)?.fill(0);
    this.entries.delete(path);
  }

  /** Zero-fills and forgets everything. */
  wipe(): void {
    for (const v of this.entries.values()) v.fill(0);
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
