/**
 * Fires a drill's faults on a lab cluster through the cluster's own fault controls,
 * records each in the history (on, then off when it heals) and registers how to heal it,
 * so the end of a drill can heal everything still on. A fault that is already on at the
 * same target, or that has nothing to act on (no active, a node already down), is skipped
 * and leaves no trace, so the history only ever shows faults that really happened.
 */
import { actsOnZone, cutZone, faultSettings, type Cluster, type LabNode, type StorageFaultKind } from '../lab/index.ts';
import { StorageKeys } from '../storage/index.ts';
import type { FaultKind, FaultStep, StorageFaultOptions } from './drill-spec.ts';
import type { History } from './history.ts';

/** Storage-wide fault settings when nothing is wrong. */
const HEALTHY = { latencyMs: 0, jitter: 0, errorRate: 0 };

/** One fault being applied: its step, whom it hits, and how it is recorded. */
interface Firing {
  f: FaultStep;
  /** `kind:target`: the key of what is on. */
  id: string;
  target: string;
  /** The target node; undefined for storage-wide and zone faults. */
  node: LabNode | undefined;
  /** Records the fault on (or off) in the history. */
  mark(on: boolean): void;
}

/** The faults of one drill: what is on, and how to heal it. */
export class DrillFaults {
  private readonly on = new Map<string, () => Promise<void>>();
  private readonly storage = new Map<string, StorageFaultOptions>();
  private readonly paused = new Map<string, Promise<void>>();

  /** How each kind acts; each returns, leaving no trace, when it has nothing to act on. */
  private readonly fire: Record<FaultKind, (x: Firing) => Promise<void> | void> = {
    kill: (x) => this.kill(x),
    'crash-restart': (x) => this.kill(x),
    seal: (x) => this.seal(x),
    'step-down': (x) => this.stepDown(x),
    pause: (x) => this.pause(x),
    'partition-storage': (x) => this.partition(x),
    'partition-peers': (x) => this.partition(x),
    'slow-storage': (x) => this.storageFault(x, 'slow-storage'),
    'storage-errors': (x) => this.storageFault(x, 'storage-errors'),
    'delete-lock': (x) => this.deleteLock(x),
    'zone-down': (x) => this.zoneDown(x),
    // In one process there is no etcd: scenarios with these declare `processes` and are refused before they start.
    'etcd-kill': (x) => this.needsProcesses(x),
    'etcd-pause': (x) => this.needsProcesses(x),
    'etcd-quorum': (x) => this.needsProcesses(x),
  };

  constructor(
    private readonly cluster: Cluster,
    private readonly history: History,
    /** The unseal keys, to unseal nodes that come back sealed. */
    private readonly keys: string[],
  ) {}

  private needsProcesses(x: Firing): never {
    throw new Error(`${x.f.kind} acts on a process lab's etcd: play the drill with --processes`);
  }

  /** Applies one fault now and schedules its healing after its duration. */
  async apply(f: FaultStep): Promise<void> {
    const c = this.cluster;
    const picked =
      f.target === 'active' ? c.active()?.name : f.target === 'standby' ? c.nodes.find((n) => n.node.state === 'standby')?.name : f.target;
    if (!picked) return;
    // A zone fault aimed at a node hits that node's zone.
    const zonal = actsOnZone(f.kind);
    const target = zonal && c.nodes.some((n) => n.name === picked) ? c.get(picked).zone : picked;
    if (!target) return;
    const id = `${f.kind}:${target}`;
    if (this.on.has(id)) return;
    const node = target === 'storage' || zonal ? undefined : c.get(target);
    const nodes = zonal ? c.nodes.filter((n) => n.zone === target).map((n) => n.name) : undefined;
    const mark = (on: boolean) => this.history.add({ t: c.clock.now(), kind: 'fault', name: f.kind, target, on, ...(nodes && { nodes }) });
    await this.fire[f.kind]({ f, id, target, node, mark });
  }

  /** kill: down until it heals; crash-restart: back at once but sealed until it heals. */
  private async kill(x: Firing): Promise<void> {
    const { cluster: c } = this;
    if (!x.node?.up || x.node.node.state === 'stopped') return;
    x.mark(true);
    await c.kill(x.target);
    if (x.f.kind === 'crash-restart') await c.restart(x.target);
    this.healLater(x, async () => {
      await c.restart(x.target);
      await c.unseal(x.target, this.keys);
    });
  }

  /** Sealed until it heals (an unsealed node only). */
  private seal(x: Firing): void {
    const state = x.node?.node.state;
    if (state !== 'active' && state !== 'standby') return;
    x.mark(true);
    this.cluster.seal(x.target);
    this.healLater(x, () => this.cluster.unseal(x.target, this.keys));
  }

  /** The active steps down: an instant, on and off at once. */
  private stepDown(x: Firing): void {
    if (x.node?.node.state !== 'active') return;
    x.mark(true);
    this.cluster.stepDown();
    x.mark(false);
  }

  /** Frozen until it heals; an in-process client's requests to it wait for the wake-up (see wakeOf). */
  private pause(x: Firing): void {
    if (!x.node?.up) return;
    x.mark(true);
    const resume = this.cluster.pause(x.target);
    let wake!: () => void;
    this.paused.set(x.target, new Promise((r) => (wake = r)));
    this.healLater(x, () => {
      resume(); // on waking the node first notices its lease is gone, then frozen requests carry on
      this.paused.delete(x.target);
      wake();
    });
  }

  /** Cut off from storage, or from its peers, until it heals. */
  private partition(x: Firing): void {
    if (!x.node) return;
    const c = this.cluster;
    const set = (on: boolean) =>
      x.f.kind === 'partition-storage' ? c.partitionFromStorage(x.target, on) : c.partitionFromPeers(x.target, on);
    x.mark(true);
    set(true);
    this.healLater(x, () => set(false));
  }

  /** Slow or failing storage until it heals; storage faults on at once add up. */
  private storageFault(x: Firing, kind: StorageFaultKind): void {
    x.mark(true);
    this.storage.set(x.id, faultSettings(kind, x.f));
    this.applyStorage();
    this.healLater(x, () => {
      this.storage.delete(x.id);
      this.applyStorage();
    });
  }

  /** The storage faults still on, over healthy settings. */
  private applyStorage(): void {
    this.cluster.setStorageFaults({ ...HEALTHY, ...Object.assign({}, ...this.storage.values()) });
  }

  /** A zone goes dark until it heals: its nodes lose their clients, their peers and storage. */
  private zoneDown(x: Firing): void {
    x.mark(true);
    cutZone(this.cluster, x.target, true);
    this.healLater(x, () => void cutZone(this.cluster, x.target, false));
  }

  /** The lock's key is deleted: its holder loses the lease at once. */
  private async deleteLock(x: Firing): Promise<void> {
    x.mark(true);
    await this.cluster.backend.delete(StorageKeys.lock);
    x.mark(false);
  }

  /** Registers how to heal a fault and heals it after its duration. */
  private healLater(x: Firing, fn: () => Promise<void> | void): void {
    let running: Promise<void> | undefined;
    // Healing can meet other faults still on (an unseal while storage fails): it then stays on and the final heal retries.
    const once = () =>
      (running ??= (async () => {
        try {
          if (!this.on.has(x.id)) return;
          await fn();
          this.on.delete(x.id);
          x.mark(false);
        } finally {
          running = undefined;
        }
      })());
    this.on.set(x.id, once);
    this.cluster.clock.setTimeout(() => void once().catch(() => undefined), x.f.durationMs);
  }

  /** Heals every fault still on (storage first, so restarts and unseals can reach it). */
  async healAll(): Promise<void> {
    const storageFirst = [...this.on.keys()].sort((a, b) => Number(!a.endsWith(':storage')) - Number(!b.endsWith(':storage')));
    for (const id of storageFirst)
      await this.on
        .get(id)?.()
        .catch(() => undefined);
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
