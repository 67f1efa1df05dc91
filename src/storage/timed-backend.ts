/**
 * A Backend that reports how long each data call took (Vault's physical backends time their
 * own calls: `vault.etcd.get`, `vault.consul.put`...). Lock calls pass through untimed, and
 * an HA backend stays one, so the barrier still sees whether storage fences.
 */
import { performance } from 'node:perf_hooks';
import { isHABackend, type Backend, type BatchOp, type HABackend, type WriteOptions } from './backend.ts';

/** The data calls a timer hears of. */
export type StorageOp = 'get' | 'put' | 'delete' | 'list';

/** Told the duration of each data call, in milliseconds (a batch counts as a put). */
export type StorageTimer = (op: StorageOp, ms: number) => void;

/**
 * Times `call` and tells `timer` once it settles, either way. The caller gets the call's own
 * promise, so timing adds no promise hop: a drill interleaves the same with it as without.
 */
function timed<T>(timer: StorageTimer, op: StorageOp, call: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const settled = call();
  const done = () => timer(op, performance.now() - start);
  settled.then(done, done);
  return settled;
}

/** `inner` with every data call timed. */
export class TimedBackend implements Backend {
  readonly lock?: HABackend['lock'];
  readonly setFencing?: HABackend['setFencing'];
  readonly fences?: HABackend['fences'];

  constructor(
    private readonly inner: Backend,
    private readonly timer: StorageTimer,
  ) {
    if (isHABackend(inner)) {
      this.lock = (key, value, opts) => inner.lock(key, value, opts);
      this.setFencing = (on) => inner.setFencing(on);
      this.fences = () => inner.fences();
    }
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return timed(this.timer, 'get', () => this.inner.get(key));
  }

  put(key: string, value: Uint8Array, opts?: WriteOptions): Promise<void> {
    return timed(this.timer, 'put', () => this.inner.put(key, value, opts));
  }

  delete(key: string, opts?: WriteOptions): Promise<void> {
    return timed(this.timer, 'delete', () => this.inner.delete(key, opts));
  }

  batch(ops: readonly BatchOp[], opts?: WriteOptions): Promise<void> {
    return timed(this.timer, 'put', () => this.inner.batch(ops, opts));
  }

  list(prefix: string): Promise<string[]> {
    return timed(this.timer, 'list', () => this.inner.list(prefix));
  }

  /** Closes nothing: the node that times its calls does not own the backend it was given. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
