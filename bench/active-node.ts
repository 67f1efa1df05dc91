/**
 * A settled cluster (one active, every other node a standby) and writes through its active. The
 * failover bench starts each run from one; the server process preloads through the active, and on
 * a starved machine that active can miss a lock renewal mid-preload and step down, so a write
 * refused as STANDBY is sent again to the next active. A cluster that does not settle fails with
 * each node's reason (as `vaultlab up` does) instead of waiting forever.
 */
import { Cluster, whyNoActive, type ClusterOptions, type LabNode } from '../src/lab/index.ts';
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

/** A cluster started, initialised with one key share and unsealed, once it has settled: where every bench server starts. */
export async function startSettled(opts: ClusterOptions): Promise<{ cluster: Cluster; rootToken: string; active: LabNode }> {
  const cluster = await Cluster.start(opts);
  const init = await cluster.init(1, 1);
  await cluster.unsealAll(init.keys);
  return { cluster, rootToken: init.rootToken, active: await settledActive(cluster) };
}

/** How many times in a row a write may be refused by an active that stepped down before the writer gives up. */
export const MAX_STEP_DOWNS = 10;

/**
 * Runs `fn` on the active node, again on the next active while the one it reached has stepped
 * down; after `maxStepDowns` refusals in a row it fails saying so, rather than chase a lock that
 * keeps changing hands (a starved machine lets every lease lapse).
 */
export async function onActive<T>(cluster: Cluster, fn: (active: LabNode) => Promise<T>, maxStepDowns = MAX_STEP_DOWNS): Promise<T> {
  for (let refused = 0; ; refused++) {
    const active = await settledActive(cluster);
    try {
      return await fn(active);
    } catch (e) {
      if (!(e instanceof VaultError && e.code === 'STANDBY')) throw e;
      if (refused + 1 >= maxStepDowns)
        throw new Error(
          `${e.message}: the active stepped down ${refused + 1} times in a row before the write landed ` +
            `(its ${cluster.timings.lockTtlMs} ms lock lease lapsed each time: is the machine starved?)`,
        );
    }
  }
}
