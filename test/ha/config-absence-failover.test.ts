/**
 * The active caches a KV mount's `config` as missing; after a failover in which another
 * active wrote it, the first node, active again, must follow what that node wrote.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type ClusterFixture } from '../helpers/cluster-fixture.ts';

let fx: ClusterFixture | undefined;
afterEach(async () => {
  await fx?.cluster.close();
  fx = undefined;
});

describe('a cached missing KV config across failovers', () => {
  it('is read again by a node that becomes active after another active wrote the config', async () => {
    fx = await startCluster({ nodes: 2 });
    const { cluster, init } = fx;
    const write = (name: string, data: Record<string, unknown>, path = 'secret/data/k') =>
      cluster.get(name).node.handle({ operation: 'update', path, data, token: init.rootToken });
    const first = cluster.active()!.name;
    await write(first, { data: { v: 1 } }); // finds no config: cached as missing on `first`
    cluster.stepDown();
    await waitFor(() => cluster.active() !== undefined && cluster.active()!.name !== first, 30_000);
    const second = cluster.active()!.name;
    await write(second, { cas_required: true }, 'secret/config');
    cluster.stepDown();
    await waitFor(() => cluster.active()?.name === first, 30_000);
    await expect(write(first, { data: { v: 2 } })).rejects.toThrow('check-and-set parameter required');
  }, 60_000);
});
