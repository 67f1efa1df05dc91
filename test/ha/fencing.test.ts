/**
 * Fencing (HA-1, HA-3) against the Jepsen pause: the active's process freezes with a
 * write already past its gate, longer than its lease; another node takes over; the
 * process resumes and the write carries on with the old term. With fencing on storage
 * refuses it and the old active steps down; with fencing off it lands (split brain).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

let fx: ClusterFixture | undefined;
afterEach(async () => {
  await fx?.cluster.close();
  fx = undefined;
});

/** Freezes the active mid-write until a new active exists, then resumes it; returns the write's answer. */
async function zombieWrite(f: ClusterFixture): Promise<{ zombie: string; res: Awaited<ReturnType<ClusterFixture['http']>> }> {
  const zombie = f.cluster.active()!.name;
  const resume = f.cluster.pause(zombie);
  const inFlight = f.http(zombie, 'POST', '/v1/secret/data/stale', { data: { from: 'zombie' } });
  await expect.poll(() => inState(f.cluster, 'active').length, { timeout: 5000, interval: 10 }).toBe(2);
  resume();
  return { zombie, res: await inFlight };
}

describe('an active paused longer than its lease, with a write in flight', () => {
  it('has the write refused by storage and steps down, with fencing on', async () => {
    fx = await startCluster();
    const { zombie, res } = await zombieWrite(fx);
    expect(res.status).toBe(500);
    expect(res.body.errors[0]).toMatch(/write refused: term \d+ is older than the lock's term \d+/);
    await expect.poll(() => fx!.cluster.get(zombie).node.state, { timeout: 2000 }).toBe('standby');
    expect(inState(fx.cluster, 'active')).toHaveLength(1);
    const leader = fx.cluster.active()!.name;
    expect((await fx.http(leader, 'GET', '/v1/secret/data/stale')).status).toBe(404);
  });

  it('lets the same stale write through with fencing off (the split brain fencing prevents)', async () => {
    fx = await startCluster();
    fx.cluster.backend.setFencing(false);
    const { zombie, res } = await zombieWrite(fx);
    expect(res.status).toBe(200);
    await expect.poll(() => inState(fx!.cluster, 'active').length, { timeout: 5000 }).toBe(1);
    const leader = fx.cluster.active()!.name;
    expect(leader).not.toBe(zombie);
    const read = await fx.http(leader, 'GET', '/v1/secret/data/stale');
    expect(read.status).toBe(200);
    expect(read.body.data.data).toEqual({ from: 'zombie' });
  });

  it('stops acting as active before its own lease runs out when it cannot renew (HA-2 self-fence)', async () => {
    fx = await startCluster();
    const active = fx.cluster.active()!;
    const acquired = fx.cluster.timeline.events.filter((e) => e.node === active.name && e.type === 'lock-acquired').at(-1)!;
    active.leadership.setPaused(true); // renewals stop, the process still serves: the request gate must notice
    const released = () =>
      fx!.cluster.timeline.events.find((e) => e.node === active.name && e.type === 'lock-released' && e.detail === acquired.detail);
    await expect
      .poll(async () => (await fx!.http(active.name, 'GET', '/v1/secret/data/x'), released()), { timeout: 3000, interval: 20 })
      .toBeDefined();
    const lease = fx.cluster.timings.lockTtlMs;
    // It gave the lock up while its lease still ran, so no standby could have become active beside it.
    expect(released()!.time - acquired.time).toBeLessThan(lease);
    expect(released()!.time - acquired.time).toBeGreaterThanOrEqual(lease * 0.9 - 20);
    active.leadership.setPaused(false);
    await expect.poll(() => inState(fx!.cluster, 'active').length, { timeout: 3000 }).toBe(1);
  });
});
