/**
 * Fencing (HA-1, HA-3): an active that is paused for longer than its lease keeps
 * believing it is active. With fencing on, its next write is refused by storage and it
 * steps down at once; with fencing off the same stale write goes through (split brain).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

let fx: ClusterFixture | undefined;
afterEach(async () => {
  await fx?.cluster.close();
  fx = undefined;
});

/** Pauses the active until another node has taken the lock; returns the zombie's name. */
async function makeZombie(f: ClusterFixture): Promise<string> {
  const zombie = f.cluster.active()!;
  zombie.node.ha!.setPaused(true);
  await expect.poll(() => inState(f.cluster, 'active').length, { timeout: 5000, interval: 10 }).toBe(2);
  return zombie.name;
}

describe('a paused active that lost its lock', () => {
  it('has its next write refused and steps down, with fencing on', async () => {
    fx = await startCluster();
    const zombie = await makeZombie(fx);
    const stale = await fx.http(zombie, 'POST', '/v1/secret/data/stale', { data: { from: 'zombie' } });
    expect(stale.status).toBe(500);
    expect(stale.body.errors[0]).toMatch(/write refused/);
    expect(fx.cluster.get(zombie).node.state).toBe('standby');
    fx.cluster.get(zombie).node.ha!.setPaused(false);
    expect(inState(fx.cluster, 'active')).toHaveLength(1);
    const leader = fx.cluster.active()!.name;
    expect((await fx.http(leader, 'GET', '/v1/secret/data/stale')).status).toBe(404);
    expect(fx.cluster.timeline.events.some((e) => e.node === zombie && e.type === 'state' && e.detail === 'active → standby')).toBe(true);
  });

  it('lets the same stale write through with fencing off', async () => {
    fx = await startCluster();
    fx.cluster.backend.setFencing(false);
    const zombie = await makeZombie(fx);
    const stale = await fx.http(zombie, 'POST', '/v1/secret/data/stale', { data: { from: 'zombie' } });
    expect(stale.status).toBe(200);
    expect(fx.cluster.get(zombie).node.state).toBe('active');
    const leader = inState(fx.cluster, 'active').find((n) => n !== zombie)!;
    const read = await fx.http(leader, 'GET', '/v1/secret/data/stale');
    expect(read.status).toBe(200);
    expect(read.body.data.data).toEqual({ from: 'zombie' });
    fx.cluster.get(zombie).node.ha!.setPaused(false);
    await expect.poll(() => inState(fx!.cluster, 'active').length, { timeout: 5000 }).toBe(1);
  });
});
