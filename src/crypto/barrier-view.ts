/**
 * A prefix-scoped view of barrier storage (Vault's BarrierView): each engine gets one over
 * logical/<mount uuid>/, so a key it names cannot leave that prefix, not even through a
 * relative segment.
 */
import type { BatchOp } from '../storage/index.ts';
import type { Storage } from './barrier.ts';

/** A prefix-scoped view (Vault's BarrierView): an engine cannot reach outside its prefix. */
export class BarrierView implements Storage {
  constructor(
    private readonly storage: Storage,
    private readonly prefix: string,
  ) {}

  private full(key: string): string {
    if (key.split('/').some((s) => s === '..' || s === '.')) throw new Error('relative paths not supported');
    return this.prefix + key;
  }

  get(key: string) {
    return this.storage.get(this.full(key));
  }
  put(key: string, value: Uint8Array) {
    return this.storage.put(this.full(key), value);
  }
  delete(key: string) {
    return this.storage.delete(this.full(key));
  }
  batch(ops: readonly BatchOp[]) {
    return this.storage.batch(ops.map((op) => ({ ...op, key: this.full(op.key) })));
  }
  list(prefix: string) {
    return this.storage.list(this.full(prefix));
  }
}
