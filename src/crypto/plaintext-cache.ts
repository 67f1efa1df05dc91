/**
 * Decrypted values an active node read or wrote, by storage path. While a node holds the
 * HA lock and storage fences, nobody else can change what it stores, so a read may skip
 * storage and the AES-GCM decrypt (about half the CPU of a KV read). Copies go in and
 * out, so a caller that changes or wipes a buffer cannot change the cache; `wipe` zero-fills
 * every value, as sealing does to keys. It also remembers paths it found missing (a KV
 * mount's `config`, which is rarely ever written, is read by every write).
 */

/** The entry of a path known to be missing from storage (never handed out). */
const ABSENT = new Uint8Array(0);

/** Bytes by path, at most `limit` of them (the oldest go first). */
export class PlaintextCache {
  private readonly entries = new Map<string, Uint8Array>();

  constructor(private readonly limit = 10_000) {}

  /** A copy of the cached plaintext at path, or undefined (not cached, or known missing). */
  get(path: string): Uint8Array | undefined {
    const v = this.entries.get(path);
    return v === ABSENT ? undefined : v?.slice();
  }

  /** A copy of the cached plaintext at path, null when path is known missing, undefined when nothing is cached. */
  lookup(path: string): Uint8Array | null | undefined {
    const v = this.entries.get(path);
    return v === ABSENT ? null : v?.slice();
  }

  /** Remembers that path is missing from storage (until it is set, deleted or wiped). */
  setAbsent(path: string): void {
    this.store(path, ABSENT);
  }

  /** Caches a copy of value at path. */
  set(path: string, value: Uint8Array): void {
    this.store(path, value.slice());
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
