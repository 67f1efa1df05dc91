/**
 * Firing a drill's faults on a lab cluster, recording each in the history, and
 * registering how to heal it (a killed node restarts and is unsealed, a paused one
 * resumes, storage faults clear).
 */
import type { Cluster } from '../lab/index.ts';
import type { FaultStep } from './drill-spec.ts';
import type { History } from './history.ts';

/** Applies one fault now; pushes its healing onto `heal` and schedules it after the fault's duration. */
export async function applyFault(cluster: Cluster, f: FaultStep, history: History, keys: string[], heal: Array<() => Promise<void>>): Promise<void> {
  const clock = cluster.clock;
  const target = f.target === 'active' ? cluster.active()?.name : f.target;
  const mark = (on: boolean, name = f.kind, node = target ?? 'cluster') => history.add({ t: clock.now(), kind: 'fault', name, target: node, on });
  const later = (fn: () => Promise<void> | void) => {
    let done = false;
    const once = async () => {
      if (done) return;
      done = true;
      // Healing can meet other faults still on (an unseal while storage fails): the final heal retries.
      await Promise.resolve(fn()).catch(() => undefined);
    };
    heal.push(once);
    clock.setTimeout(() => void once(), f.durationMs);
  };
  switch (f.kind) {
    case 'kill':
      if (!target) return;
      mark(true);
      await cluster.kill(target);
      later(async () => {
        await cluster.restart(target);
        await cluster.unseal(target, keys);
        mark(false);
      });
      return;
    case 'seal':
      if (!target) return;
      mark(true);
      cluster.seal(target);
      later(async () => {
        await cluster.unseal(target, keys);
        mark(false);
      });
      return;
    case 'step-down':
      if (!cluster.active()) return;
      mark(true);
      cluster.stepDown();
      mark(false);
      return;
    case 'pause': {
      if (!target) return;
      mark(true, 'pause');
      const resume = cluster.pause(target);
      later(() => {
        resume(); // first: on waking, the node notices its lease is gone and steps down
        mark(false, 'pause');
      });
      return;
    }
    case 'partition-storage':
    case 'partition-peers': {
      if (!target) return;
      const set = (on: boolean) => (f.kind === 'partition-storage' ? cluster.partitionFromStorage(target, on) : cluster.partitionFromPeers(target, on));
      mark(true);
      set(true);
      later(() => {
        set(false);
        mark(false);
      });
      return;
    }
    case 'slow-storage':
    case 'storage-errors':
      mark(true, f.kind, 'storage');
      cluster.setStorageFaults(f.kind === 'slow-storage' ? { latencyMs: 25, jitter: 0.8 } : { errorRate: 0.2 });
      later(() => {
        cluster.setStorageFaults(f.kind === 'slow-storage' ? { latencyMs: 0, jitter: 0 } : { errorRate: 0 });
        mark(false, f.kind, 'storage');
      });
      return;
    case 'delete-lock':
      mark(true, f.kind, 'storage');
      await cluster.backend.delete('core/lock');
      mark(false, f.kind, 'storage');
      return;
  }
}
