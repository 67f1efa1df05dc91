/**
 * Per-key mutual exclusion for read-modify-write operations. Without it two concurrent
 * requests both read state N and both write N+1: KV v2 loses an acknowledged version
 * (Vault's KV plugin takes a lock per key for this), and a limited-use token serves more
 * requests than it has uses (Vault's token store locks each token while it spends one).
 */

/** When a key was seen idle: compared later, under its lock, to learn whether any holder ran since. */
export interface KeyStamp {
  /** The release number of the key's last holder then (undefined: none remembered). */
  readonly released: number | undefined;
  /** The release count of the whole set then. */
  readonly at: number;
}

/** How many keys' last release is remembered: a bound, so a key space of any size costs fixed memory. */
const REMEMBERED = 10_000;

/** A set of async locks by name. */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();
  /** Release number of each key's last holder (the oldest forgotten first). */
  private readonly lastRelease = new Map<string, number>();
  private releases = 0;
  /** The release count when a key was last forgotten: a stamp with nothing remembered is only good if none was since. */
  private forgottenAt = 0;

  /** Runs `fn` once every earlier holder of `key` has finished. */
  async with<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      this.remember(key);
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** A stamp of `key` while nobody holds or waits for it; undefined when someone does (what is read now may change). */
  stamp(key: string): KeyStamp | undefined {
    if (this.tails.has(key)) return undefined;
    return { released: this.lastRelease.get(key), at: this.releases };
  }

  /** Called by the holder of `key`: true when no other holder ran between `stamp` and now. */
  unchangedSince(key: string, stamp: KeyStamp): boolean {
    const released = this.lastRelease.get(key);
    if (released !== stamp.released) return false;
    return released !== undefined || this.forgottenAt <= stamp.at;
  }

  private remember(key: string): void {
    this.releases++;
    this.lastRelease.delete(key);
    if (this.lastRelease.size >= REMEMBERED) {
      const oldest = this.lastRelease.keys().next().value as string;
      this.lastRelease.delete(oldest);
      this.forgottenAt = this.releases;
    }
    this.lastRelease.set(key, this.releases);
  }
}
