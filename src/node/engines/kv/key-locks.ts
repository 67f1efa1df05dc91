/**
 * Per-key mutual exclusion for KV v2's read-modify-write operations (Vault's KV plugin
 * takes a lock per key for the same reason): without it, two concurrent writes to one key
 * both read version N and both write version N+1, and one acknowledged write is lost.
 * The drill checker found exactly that.
 */

/** A set of async locks by name. */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

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
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
