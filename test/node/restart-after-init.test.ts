/**
 * A node that was down while another node initialized the shared storage comes back
 * sealed (a restarted Vault reads storage), and unseals. Before the fix its machine
 * chose RESTART's target from what it knew before the crash, so it came back
 * "uninitialized" for good: unseal shares were taken (the barrier even opened) but the
 * node reported sealed forever. Found by the T14 replay (test/node/machine-paths.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock/index.ts';
import { LAB_TIMINGS } from '../../src/ha/index.ts';
import { Cluster } from '../../src/lab/index.ts';

describe('a node restarted after another node initialized the storage', () => {
  it('comes back sealed, then unseals to standby', async () => {
    const clock = new SimClock();
    const cluster = await Cluster.start({ nodes: 2, storage: 'memory', listen: false, clock, timings: LAB_TIMINGS });
    try {
      await cluster.kill('node1');
      const init = await cluster.get('node2').node.init({ secretShares: 1, secretThreshold: 1 });
      await cluster.unseal('node2', init.keys);
      await clock.advance(LAB_TIMINGS.lockTtlMs);
      await cluster.restart('node1');
      const node1 = cluster.get('node1').node;
      expect(node1.state).toBe('sealed');
      expect(node1.sealStatus()).toMatchObject({ initialized: true, sealed: true });

      await node1.unseal({ key: init.keys[0] });
      await clock.advance(LAB_TIMINGS.lockTtlMs);
      expect(node1.state).toBe('standby');
      expect(cluster.states()).toEqual({ node1: 'standby', node2: 'active' });
    } finally {
      for (const n of cluster.nodes) n.node.close();
      await cluster.backend.close();
    }
  });
});
