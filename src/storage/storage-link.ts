/**
 * One node's link to the shared storage, as a decorator around the real backend (Vault's
 * sdk/physical latency and error injectors, plus a partition switch): the lab and the drills
 * use it to slow storage down (latency with jitter), make it fail at a rate, or cut one node
 * off from it entirely, lock renewals included. Settings shared by every link live in one
 * StorageFaults object; the partition is per link. With no fault set, calls pass straight through.
 */
import type { Clock } from '../clock/index.ts';
import type { HABackend, Lock, LockGrant, LockValue, WriteOptions } from './backend.ts';
import { InjectedFaultError } from './errors.ts';

/** Faults that apply to every node's link. */
export interface StorageFaults {
  /** Added to every call, in ms (0 = none). */
  latencyMs: number;
  /** Jitter as a fraction of the latency (0.5 = ±50 %). */
  jitter: number;
  /** Probability that a call fails with InjectedFaultError (0..1). */
  errorRate: number;
  /** The random source (seeded in drills). */
  random: () => number;
}

/** No faults at all. */
export function noFaults(random: () => number = Math.random): StorageFaults {
  return { latencyMs: 0, jitter: 0, errorRate: 0, random };
}

/** A node's view of the shared HA backend, with faults. */
export class StorageLink implements HABackend {
  /** Cut off from storage: every call, lock calls included, fails. */
  partitioned = false;

  constructor(
    private readonly inner: HABackend,
    private readonly faults: StorageFaults,
    private readonly clock: Clock,
  ) {}

  private async gate(): Promise<void> {
    const f = this.faults;
    if (this.partitioned) throw new InjectedFaultError('storage unreachable (partitioned)');
    if (f.latencyMs > 0) await this.clock.sleep(Math.max(0, f.latencyMs * (1 + f.jitter * (2 * f.random() - 1))));
    if (f.errorRate > 0 && f.random() < f.errorRate) throw new InjectedFaultError();
    if (this.partitioned) throw new InjectedFaultError('storage unreachable (partitioned)');
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    if (this.passThrough()) return this.inner.get(key);
    await this.gate();
    return this.inner.get(key);
  }

  async put(key: string, value: Uint8Array, opts?: WriteOptions): Promise<void> {
    if (!this.passThrough()) await this.gate();
    return this.inner.put(key, value, opts);
  }

  async delete(key: string, opts?: WriteOptions): Promise<void> {
    if (!this.passThrough()) await this.gate();
    return this.inner.delete(key, opts);
  }

  async list(prefix: string): Promise<string[]> {
    if (!this.passThrough()) await this.gate();
    return this.inner.list(prefix);
  }

  /** Closing a link closes nothing: the shared backend belongs to the lab. */
  async close(): Promise<void> {}

  lock(key: string, value: string, opts: { holder: string; ttlMs: number }): Lock {
    const lock = this.inner.lock(key, value, opts);
    const gate = () => (this.passThrough() ? Promise.resolve() : this.gate());
    return {
      acquire: async (signal: AbortSignal): Promise<LockGrant | undefined> => (await gate(), lock.acquire(signal)),
      renew: async () => (await gate(), lock.renew()),
      release: async () => (await gate(), lock.release()),
      value: async (): Promise<LockValue> => (await gate(), lock.value()),
    };
  }

  setFencing(on: boolean): void {
    this.inner.setFencing(on);
  }

  private passThrough(): boolean {
    return !this.partitioned && this.faults.latencyMs <= 0 && this.faults.errorRate <= 0;
  }
}
