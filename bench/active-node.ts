/**
 * The bench's server process writes its preload through whichever node is active. On a starved
 * machine the active can miss a lock renewal mid-preload and step down, so a write refused as
 * STANDBY is sent again to the next active; a cluster that elects none fails with each node's
 * reason (as `vaultlab up` does) instead of waiting forever.
 */
import { whyNoActive, type Cluster, type LabNode } from '../src/lab/index.ts';
import { VaultError } from '../src/node/index.ts';

/** The active node once one is active and none is sealed; rejects after `limitMs` saying why none is. */
export async function settledActive(cluster: Cluster, limitMs = cluster.timings.lockTtlMs * 3 + 2000): Promise<LabNode> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const active = cluster.active();
    if (active && cluster.nodes.every((n) => n.node.state !== 'sealed')) return active;
    if (Date.now() > deadline) throw new Error(`no node became active within ${limitMs} ms: ${whyNoActive(cluster)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs `fn` on the active node, again on the next active while the one it reached has stepped down. */
export async function onActive<T>(cluster: Cluster, fn: (active: LabNode) => Promise<T>): Promise<T> {
  for (;;) {
    const active = await settledActive(cluster);
    try {
      return await fn(active);
    } catch (e) {
      if (!(e instanceof VaultError && e.code === 'STANDBY')) throw e;
    }
  }
}
