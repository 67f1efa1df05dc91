/**
 * Per-key mutual exclusion for read-modify-write operations. Without it two concurrent
 * requests both read state N and both write N+1: KV v2 loses an acknowledged version
 * (Vault's KV plugin takes a lock per key for this), and a limited-use token serves more
 * requests than it has uses (Vault's token store locks each token while it spends one).
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
