/**
 * A settled cluster (one active, every other node a standby) and writes through its active. The
 * failover bench starts each run from one; the server process preloads through the active, and on
 * a starved machine that active can miss a lock renewal mid-preload and step down, so a write
 * refused as STANDBY is sent again to the next active. A cluster that does not settle fails with
 * each node's reason (as `vaultlab up` does) instead of waiting forever.
 */
import { whyNoActive, type Cluster, type LabNode } from '../src/lab/index.ts';
import { VaultError } from '../src/node/index.ts';

/** The active node once one is active and every other is a standby (none sealed or stopped); rejects after `limitMs` saying why not. */
export async function settledActive(cluster: Cluster, limitMs = cluster.timings.lockTtlMs * 3 + 2000): Promise<LabNode> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const active = cluster.active();
    if (active && cluster.nodes.every((n) => n.node.state === 'active' || n.node.state === 'standby')) return active;
    if (Date.now() > deadline)
      throw new Error(`the cluster did not settle (one active, the rest standby) within ${limitMs} ms: ${whyNoActive(cluster)}`);
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
