/**
 * Faults on a running lab by name, for the control endpoint and `vaultlab fault NODE KIND`:
 * each starts now and, with a duration, ends by itself; `heal` ends them all.
 */
import type { Cluster } from './cluster.ts';

/** The fault names the lab accepts. */
export const LAB_FAULTS = ['kill', 'restart', 'seal', 'step-down', 'pause', 'partition-storage', 'partition-peers', 'slow-storage', 'storage-errors', 'delete-lock'] as const;

/** One fault name. */
export type LabFault = (typeof LAB_FAULTS)[number];

/** Starts and heals faults on one cluster. */
export class LabFaults {
  private readonly resumes = new Map<string, () => void>();

  constructor(private readonly cluster: Cluster) {}

  /** Starts a fault on a node ('storage' for the storage-wide ones); ends it after `durationMs` when given. */
  async start(node: string, kind: string, durationMs?: number): Promise<void> {
    const c = this.cluster;
    const after = (fn: () => void | Promise<void>) => durationMs && durationMs > 0 && c.clock.setTimeout(() => void Promise.resolve(fn()).catch(() => undefined), durationMs);
    switch (kind as LabFault) {
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
        c.setStorageFaults({ latencyMs: 25, jitter: 0.8 });
        after(() => c.setStorageFaults({ latencyMs: 0, jitter: 0 }));
        return;
      case 'storage-errors':
        c.setStorageFaults({ errorRate: 0.2 });
        after(() => c.setStorageFaults({ errorRate: 0 }));
        return;
      case 'delete-lock':
        await c.backend.delete('core/lock');
        return;
      default:
        throw new Error(`unknown fault ${JSON.stringify(kind)} (one of ${LAB_FAULTS.join(', ')})`);
    }
  }

  /** Ends every partition, pause and storage fault (killed nodes stay down: restart them). */
  heal(): void {
    for (const node of [...this.resumes.keys()]) this.resume(node);
    this.cluster.healAll();
  }

  private resume(node: string): void {
    this.resumes.get(node)?.();
    this.resumes.delete(node);
  }
}
