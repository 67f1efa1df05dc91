/**
 * The network between one node and storage that runs in the same process: each call is a
 * request and an answer, so it waits one one-way delay before it reaches the backend and
 * another before its answer (or its failure) reaches the node. The delays go through the
 * Clock, so a drill replays them in virtual time. Lock calls cross the same wire: a renewal
 * from a far zone eats into the lease as it would on a real network.
 */
import type { Clock } from '../clock/index.ts';
import type { BatchOp, HABackend, Lock, LockOptions, WriteOptions } from './backend.ts';

/** One node's wire to storage: a fresh one-way delay (ms) for each crossing, jitter drawn inside. */
export interface StorageWire {
  oneWayMs(): number;
  /** The clock the crossings are timed on (default: the link's); a real-time lab's is finer than Node's 1 ms timers. */
  clock?: Clock;
}

/** An HABackend whose every call crosses a wire both ways. */
export class WiredBackend implements HABackend {
  constructor(
    private readonly inner: HABackend,
    private readonly wire: StorageWire,
    private readonly clock: Clock,
  ) {}

  /** Out to storage, the call, and back: a failure travels back like an answer. */
  private async roundTrip<T>(call: () => Promise<T>): Promise<T> {
    await this.cross();
    let answer: { value: T } | { error: unknown };
    try {
      answer = { value: await call() };
    } catch (error) {
      answer = { error };
    }
    await this.cross();
    if ('error' in answer) throw answer.error;
    return answer.value;
  }

  /** One crossing; none at all for a zero delay (a timer would cost a millisecond for nothing). */
  private async cross(): Promise<void> {
    const ms = this.wire.oneWayMs();
    if (ms > 0) await (this.wire.clock ?? this.clock).sleep(ms);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.roundTrip(() => this.inner.get(key));
  }

  put(key: string, value: Uint8Array, opts?: WriteOptions): Promise<void> {
    return this.roundTrip(() => this.inner.put(key, value, opts));
  }

  delete(key: string, opts?: WriteOptions): Promise<void> {
    return this.roundTrip(() => this.inner.delete(key, opts));
  }

  batch(ops: readonly BatchOp[], opts?: WriteOptions): Promise<void> {
    return this.roundTrip(() => this.inner.batch(ops, opts));
  }

  list(prefix: string): Promise<string[]> {
    return this.roundTrip(() => this.inner.list(prefix));
  }

  /** The wire owns nothing: the shared backend belongs to the lab. */
  async close(): Promise<void> {}

  lock(key: string, value: string, opts: LockOptions): Lock {
    const lock = this.inner.lock(key, value, opts);
    return {
      acquire: (signal) => this.roundTrip(() => lock.acquire(signal)),
      renew: () => this.roundTrip(() => lock.renew()),
      release: () => this.roundTrip(() => lock.release()),
      value: () => this.roundTrip(() => lock.value()),
    };
  }

  /** Fencing is a setting of storage, not a call over the wire. */
  setFencing(on: boolean): void {
    this.inner.setFencing(on);
  }

  fences(): boolean {
    return this.inner.fences();
  }
}
