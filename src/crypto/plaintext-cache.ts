/**
 * Decrypted values an active node read or wrote, by storage path. While a node holds the
 * HA lock and storage fences, nobody else can change what it stores, so a read may skip
 * storage and the AES-GCM decrypt (about half the CPU of a KV read). Copies go in and
 * out, so a caller that changes or wipes a buffer cannot change the cache; `wipe` zero-fills
 * every value, as sealing does to keys. It also remembers paths it found missing (a KV
 * mount's `config`, which is rarely ever written, is read by every write).
 */

/** Lookups answered from the cache and lookups it could not answer. */
export interface ReadCacheStats {
  hits: number;
  misses: number;
}

/** How many entries a cache holds by default: a KV v2 secret takes two (its metadata and its current version). */
export const PLAINTEXT_CACHE_LIMIT = 10_000;

/**
 * A copy with memory of its own. Not `slice()`: on a Buffer (what decryption returns) it makes
 * a view of the same memory, so wiping an evicted entry would zero a value a request still
 * reads, and a Buffer from the shared pool would let the wipe reach its neighbours too.
 */
function copyOf(v: Uint8Array): Uint8Array {
  return new Uint8Array(v);
}

/** The entry of a path known to be missing from storage (never handed out). */
const ABSENT = new Uint8Array(0);

/** Bytes by path, at most `limit` of them (the oldest go first). */
export class PlaintextCache {
  private readonly entries = new Map<string, Uint8Array>();
  private hits = 0;
  private misses = 0;

  constructor(private readonly limit = PLAINTEXT_CACHE_LIMIT) {}

  /**
   * A copy of the cached plaintext at path, null when path is known missing, undefined when
   * nothing is cached; counted as a hit (an answer, "missing" included) or a miss.
   */
  lookup(path: string): Uint8Array | null | undefined {
    const v = this.entries.get(path);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return v === ABSENT ? null : copyOf(v);
  }

  /** Hits and misses since the cache was made (wiping it keeps them: they count lookups, not entries). */
  stats(): ReadCacheStats {
    return { hits: this.hits, misses: this.misses };
  }

  /** Remembers that path is missing from storage (until it is set, deleted or wiped). */
  setAbsent(path: string): void {
    this.store(path, ABSENT);
  }

  /** Caches a copy of value at path. */
  set(path: string, value: Uint8Array): void {
    this.store(path, copyOf(value));
  }

  private store(path: string, value: Uint8Array): void {
    const old = this.entries.get(path);
    if (old) {
      old.fill(0);
      this.entries.delete(path);
    } else if (this.entries.size >= this.limit) {
      const [oldest, bytes] = this.entries.entries().next().value as [string, Uint8Array];
      bytes.fill(0);
      this.entries.delete(oldest);
    }
    this.entries.set(path, value);
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
