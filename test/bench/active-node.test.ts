/** The bench's preload reaches whichever node is active, and a cluster that elects none fails saying why. */
import { afterEach, describe, expect, it } from 'vitest';
import { onActive, settledActive } from '../../bench/active-node.ts';
import { Cluster } from '../../src/lab/index.ts';

describe('writing through the active node', () => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });

  it("fails with each node's reason when no node becomes active, instead of waiting forever", async () => {
    cluster = await Cluster.start({ nodes: 3, storage: 'memory', basePort: 0 });
    await cluster.init(1, 1);
    await expect(settledActive(cluster, 300)).rejects.toThrow(/did not settle \(one active, the rest standby\) within 300 ms: .*sealed/);
  });

  it('sends a write refused as STANDBY again to the next active', async () => {
    cluster = await Cluster.start({ nodes: 3, storage: 'memory', basePort: 0 });
    const init = await cluster.init(1, 1);
    await cluster.unsealAll(init.keys);
    const c = cluster;
    const reached: string[] = [];
    const written = await onActive(c, async (a) => {
      reached.push(a.name);
      // The first node reached steps down before the write lands, as an active that missed a renewal does.
      if (reached.length === 1) c.stepDown();
      return a.node.handle({ operation: 'update', path: 'secret/data/k', data: { data: { v: 1 } }, token: init.rootToken });
    });
    expect(written.response?.data).toMatchObject({ version: 1 });
    expect(reached).toHaveLength(2);
    expect(reached[1]).not.toBe(reached[0]);
  }, 30_000);

  it('gives up with the cause when every active it reaches steps down, instead of chasing the lock forever', async () => {
    cluster = await Cluster.start({ nodes: 3, storage: 'memory', basePort: 0 });
    const init = await cluster.init(1, 1);
    await cluster.unsealAll(init.keys);
    const c = cluster;
    let reached = 0;
    const write = onActive(
      c,
      async (a) => {
        reached++;
        c.stepDown(); // every active loses the lock before the write lands, as under a lapsing lease
        return a.node.handle({ operation: 'update', path: 'secret/data/k', data: { data: { v: 1 } }, token: init.rootToken });
      },
      3,
    );
    await expect(write).rejects.toThrow(/node is not active: the active stepped down 3 times in a row .*lock lease lapsed/);
    expect(reached).toBe(3);
  }, 60_000);
});
