/**
 * Faults on a running lab by name, for the control endpoint and `vaultlab fault NODE KIND`:
 * each starts now and, with a duration, ends by itself; `heal` ends them all. Every request
 * is checked (control-input.ts, then against the lab's state) before anything changes.
 */
import type { TimerHandle } from '../clock/index.ts';
import { StorageKeys } from '../storage/index.ts';
import type { Cluster } from './cluster.ts';
import { invalidInput } from './control-errors.ts';
import { ACTIVE_TARGET, checkFault } from './control-input.ts';
import { faultSettings, HEALABLE_FAULTS, healedSettings, type LabFault } from './fault-kinds.ts';

/** Starts and heals faults on one cluster. */
export class LabFaults {
  private readonly resumes = new Map<string, () => void>();
  /** The pending end of each timed fault, by `kind node`: a newer start or a heal replaces it. */
  private readonly ends = new Map<string, TimerHandle>();

  constructor(private readonly cluster: Cluster) {}

  /**
   * Starts a fault on a node ('storage' for the storage-wide ones, 'active' or the active
   * node's name for step-down); ends it after `durationMs` when given. Throws a
   * ControlError, having changed nothing, when the request does not fit the fault or the lab.
   */
  async start(node: string, kind: string, durationMs?: number): Promise<void> {
    const c = this.cluster;
    const f = checkFault(
      node,
      kind,
      durationMs,
      c.nodes.map((n) => n.name),
    );
    this.checkState(f.node, f.kind);
    const after = (fn: () => void | Promise<void>) => this.endAfter(`${f.kind} ${f.node}`, f.durationMs, fn);
    switch (f.kind) {
      case 'kill':
        await c.kill(node);
        after(() => c.restart(node));
        return;
      case 'restart':
        return c.restart(node);
      case 'seal':
        return c.seal(node);
      case 'step-down':
        c.stepDown();
        return;
      case 'pause':
        this.resumes.set(node, c.pause(node));
        after(() => this.resume(node));
        return;
      case 'partition-storage':
        c.partitionFromStorage(node, true);
        after(() => c.partitionFromStorage(node, false));
        return;
      case 'partition-peers':
        c.partitionFromPeers(node, true);
        after(() => c.partitionFromPeers(node, false));
        return;
      case 'slow-storage':
      case 'storage-errors': {
        const kind = f.kind;
        c.setStorageFaults(faultSettings(kind));
        after(() => c.setStorageFaults(healedSettings(kind)));
        return;
      }
      case 'delete-lock':
        await c.backend.delete(StorageKeys.lock);
        return;
    }
  }

  /** Ends every partition, pause and storage fault (killed nodes stay down: restart them). */
  heal(): void {
    for (const [key, handle] of this.ends) {
      if (HEALABLE_FAULTS.includes(key.split(' ')[0] as LabFault)) {
        this.cluster.clock.clearTimeout(handle);
        this.ends.delete(key);
      }
    }
    for (const node of [...this.resumes.keys()]) this.resume(node);
    this.cluster.healAll();
  }

  /** Refuses what the lab's current state makes meaningless or harmful (a second pause would strand the first). */
  private checkState(node: string, kind: LabFault): void {
    const c = this.cluster;
    if (kind === 'step-down') {
      const active = c.active();
      if (node !== ACTIVE_TARGET && active?.name !== node)
        throw invalidInput(
          `${node} is not the active node (${active ? `${active.name} is` : 'no node is active'}): step-down acts on the active node`,
        );
      return;
    }
    const target = c.nodes.find((n) => n.name === node);
    if (!target) return;
    if (kind === 'restart' && target.up) throw invalidInput(`${node} is up: restart brings back a killed node`);
    if ((kind === 'kill' || kind === 'pause') && !target.up) throw invalidInput(`${node} is down: restart it first`);
    if (kind === 'pause' && this.resumes.has(node)) throw invalidInput(`${node} is already paused: heal ends the pause`);
  }

  private endAfter(key: string, durationMs: number | undefined, fn: () => void | Promise<void>): void {
    this.cluster.clock.clearTimeout(this.ends.get(key));
    this.ends.delete(key);
    if (durationMs === undefined) return;
    const handle = this.cluster.clock.setTimeout(() => {
      if (this.ends.get(key) === handle) this.ends.delete(key);
      void Promise.resolve()
        .then(fn)
        .catch(() => undefined);
    }, durationMs);
    this.ends.set(key, handle);
  }

  private resume(node: string): void {
    this.cluster.clock.clearTimeout(this.ends.get(`pause ${node}`));
    this.ends.delete(`pause ${node}`);
    this.resumes.get(node)?.();
    this.resumes.delete(node);
  }
}
