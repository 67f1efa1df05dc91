/**
 * Fires a drill's faults on a lab cluster through the cluster's own fault controls,
 * records each in the history (on, then off when it heals) and registers how to heal it,
 * so the end of a drill can heal everything still on. A fault that is already on at the
 * same target, or that has nothing to act on (no active, a node already down), is skipped
 * and leaves no trace, so the history only ever shows faults that really happened.
 */
import type { Cluster } from '../lab/index.ts';
import type { FaultStep, StorageFaultOptions } from './drill-spec.ts';
import type { History } from './history.ts';

/** Storage-wide fault settings when nothing is wrong. */
const HEALTHY = { latencyMs: 0, jitter: 0, errorRate: 0 };

/** The faults of one drill: what is on, and how to heal it. */
export class DrillFaults {
  private readonly on = new Map<string, () => Promise<void>>();
  private readonly storage = new Map<string, StorageFaultOptions>();
  private readonly paused = new Map<string, Promise<void>>();

  constructor(
    private readonly cluster: Cluster,
    private readonly history: History,
    /** The unseal keys, to unseal nodes that come back sealed. */
    private readonly keys: string[],
  ) {}

  /** Applies one fault now and schedules its healing after its duration. */
  async apply(f: FaultStep): Promise<void> {
    const c = this.cluster;
    const target = f.target === 'active' ? c.active()?.name : f.target === 'standby' ? c.nodes.find((n) => n.node.state === 'standby')?.name : f.target;
    if (!target) return;
    const id = `${f.kind}:${target}`;
    if (this.on.has(id)) return;
    const node = target === 'storage' ? undefined : c.get(target);
    const mark = (on: boolean) => this.history.add({ t: c.clock.now(), kind: 'fault', name: f.kind, target, on });
    const heal = (fn: () => Promise<void> | void) => {
      let running: Promise<void> | undefined;
      // Healing can meet other faults still on (an unseal while storage fails): it then stays on and the final heal retries.
      const once = () =>
        (running ??= (async () => {
          try {
            if (!this.on.has(id)) return;
            await fn();
            this.on.delete(id);
            mark(false);
          } finally {
            running = undefined;
          }
        })());
      this.on.set(id, once);
      c.clock.setTimeout(() => void once().catch(() => undefined), f.durationMs);
    };
    const unsealed = node && (node.node.state === 'active' || node.node.state === 'standby');
    switch (f.kind) {
      case 'kill':
      case 'crash-restart':
        if (!node?.up || node.node.state === 'stopped') return;
        mark(true);
        await c.kill(target);
        if (f.kind === 'crash-restart') await c.restart(target); // back at once, sealed
        heal(async () => {
          await c.restart(target);
          await c.unseal(target, this.keys);
        });
        return;
      case 'seal':
        if (!unsealed) return;
        mark(true);
        c.seal(target);
        heal(() => c.unseal(target, this.keys));
        return;
      case 'step-down':
        if (node?.node.state !== 'active') return;
        mark(true);
        c.stepDown();
        mark(false);
        return;
      case 'pause': {
        if (!node?.up) return;
        mark(true);
        const resume = c.pause(target);
        let wake!: () => void;
        this.paused.set(target, new Promise((r) => (wake = r)));
        heal(() => {
          resume(); // on waking the node first notices its lease is gone, then frozen requests carry on
          this.paused.delete(target);
          wake();
        });
        return;
      }
      case 'partition-storage':
      case 'partition-peers': {
        if (!node) return;
        const set = (on: boolean) => (f.kind === 'partition-storage' ? c.partitionFromStorage(target, on) : c.partitionFromPeers(target, on));
        mark(true);
        set(true);
        heal(() => set(false));
        return;
      }
      case 'slow-storage':
      case 'storage-errors':
        mark(true);
        this.storage.set(id, f.kind === 'slow-storage' ? { latencyMs: f.latencyMs ?? 25, jitter: f.jitter ?? 0.8 } : { errorRate: f.errorRate ?? 0.2 });
        c.setStorageFaults({ ...HEALTHY, ...Object.assign({}, ...this.storage.values()) });
        heal(() => {
          this.storage.delete(id);
          c.setStorageFaults({ ...HEALTHY, ...Object.assign({}, ...this.storage.values()) });
        });
        return;
      case 'delete-lock':
        mark(true);
        await c.backend.delete('core/lock');
        mark(false);
        return;
    }
  }

  /** Heals every fault still on (storage first, so restarts and unseals can reach it). */
  async healAll(): Promise<void> {
    const storageFirst = [...this.on.keys()].sort((a, b) => Number(!a.endsWith(':storage')) - Number(!b.endsWith(':storage')));
    for (const id of storageFirst) await this.on.get(id)?.().catch(() => undefined);
  }

  /**
   * While a node is paused, when it wakes up. A paused process reads nothing from its
   * sockets, so an in-process client holds a request until then, as the kernel would.
   */
  wakeOf(node: string): Promise<void> | undefined {
    return this.paused.get(node);
  }

  /** How many faults are on right now. */
  get active(): number {
    return this.on.size;
  }
}
