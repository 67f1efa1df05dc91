/**
 * One node's link to the lab's shared storage: the three fault injectors stacked around the
 * shared HA backend. The lab slows storage down or makes it fail for every node at once
 * through one StorageFaults object, and cuts single nodes off through each link's partition.
 * With no fault set every layer lets calls straight through. A lab with a topology also gives
 * the link a wire: the network under the fault layers, which every call crosses both ways.
 */
import type { Clock } from '../clock/index.ts';
import { isHABackend, type BatchOp, type HABackend, type Lock, type LockGrant, type LockOptions, type WriteOptions } from './backend.ts';
import { ErrorInjector } from './error-injector.ts';
import { InjectedFaultError } from './errors.ts';
import { LatencyInjector } from './latency-injector.ts';
import { PartitionableBackend, type PartitionSwitch } from './partitionable-backend.ts';
import { WiredBackend, type StorageWire } from './wire-delay.ts';

/** Faults that apply to every node's link (read at every call: the lab changes them live). */
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
  private readonly cut: PartitionSwitch = { partitioned: false };
  /** This node's waits for the lock under way at storage: a cut ends them (see acquireUnlessCut). */
  private readonly waits = new Set<AbortController>();
  /** The layers, outermost first; the outermost answers whether every layer is idle. */
  private readonly chain: PartitionableBackend & HABackend;
  /** What the fault layers sit on: the shared backend, or the wire to it. */
  private readonly inner: HABackend;

  constructor(shared: HABackend, faults: StorageFaults, clock: Clock, wire?: StorageWire) {
    this.inner = wire ? new WiredBackend(shared, wire, clock) : shared;
    const inner = this.inner;
    // Outermost first: partition, latency, errors, partition again. A partitioned node fails at
    // once; one whose partition starts while a call is delayed fails when the delay ends.
    const errors = new ErrorInjector(new PartitionableBackend(inner, this.cut), faults);
    const chain = new PartitionableBackend(new LatencyInjector(errors, latencySettings(faults), clock), this.cut);
    if (!isHABackend(chain)) throw new TypeError('a storage link needs an HA backend');
    this.chain = chain;
  }

  /** True while this node is cut off from storage (every call fails, lock calls included). */
  get partitioned(): boolean {
    return this.cut.partitioned;
  }

  set partitioned(on: boolean) {
    this.cut.partitioned = on;
    if (on) for (const wait of this.waits) wait.abort();
  }

  /**
   * Where a call goes: through the fault layers while any of them has a fault set, else
   * straight to the shared backend or its wire (each layer says when it is idle), which saves four calls
   * and closures per storage call.
   */
  private route(): HABackend {
    return this.chain.passesThrough() ? this.inner : this.chain;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.route().get(key);
  }

  put(key: string, value: Uint8Array, opts?: WriteOptions): Promise<void> {
    return this.route().put(key, value, opts);
  }

  delete(key: string, opts?: WriteOptions): Promise<void> {
    return this.route().delete(key, opts);
  }

  batch(ops: readonly BatchOp[], opts?: WriteOptions): Promise<void> {
    return this.route().batch(ops, opts);
  }

  list(prefix: string): Promise<string[]> {
    return this.route().list(prefix);
  }

  /** Closing a link closes nothing: the shared backend belongs to the lab. */
  async close(): Promise<void> {}

  lock(key: string, value: string, opts: LockOptions): Lock {
    const lock = this.chain.lock(key, value, opts);
    return { ...lock, acquire: (signal) => this.acquireUnlessCut(lock, signal) };
  }

  /**
   * Waits for the lock until it is granted, the caller gives up, or this node is cut off. A wait
   * blocks at storage, so the partition gate it passed on the way in cannot stop it; but a
   * cut-off node has no live session at storage any more (Consul invalidates it, etcd lets its
   * lease lapse), so storage must not grant it the lock: the wait fails as its storage calls do.
   */
  private async acquireUnlessCut(lock: Lock, signal: AbortSignal): Promise<LockGrant | undefined> {
    const cut = new AbortController();
    this.waits.add(cut);
    try {
      const grant = await lock.acquire(AbortSignal.any([signal, cut.signal]));
      if (!grant && cut.signal.aborted && !signal.aborted) throw new InjectedFaultError('storage unreachable (partitioned)');
      return grant;
    } finally {
      this.waits.delete(cut);
    }
  }

  setFencing(on: boolean): void {
    this.chain.setFencing(on);
  }

  fences(): boolean {
    return this.chain.fences();
  }
}

/** The lab's jitter is a fraction; the injector's, as in Vault, a percentage. */
function latencySettings(faults: StorageFaults) {
  return {
    get latencyMs() {
      return faults.latencyMs;
    },
    set latencyMs(ms: number) {
      faults.latencyMs = ms;
    },
    get jitterPercent() {
      return faults.jitter * 100;
    },
    set jitterPercent(p: number) {
      faults.jitter = p / 100;
    },
    get random() {
      return faults.random;
    },
  };
}
