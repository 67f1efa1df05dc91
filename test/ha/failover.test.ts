/**
 * Issue 4's failovers with real timers on the lab's fast profile (lock TTL 1 s), no
 * fixed sleeps: step-down, seal of the active, kill of the active (the lock is not
 * released, so a standby takes over only after the TTL), restart of a killed node.
 * After each: exactly one active, and every acknowledged write still readable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

let fx: ClusterFixture | undefined;
afterEach(async () => {
  await fx?.cluster.close();
  fx = undefined;
});

const acked: string[] = [];

async function writeThrough(f: ClusterFixture, node: string, key: string): Promise<void> {
  const res = await f.http(node, 'POST', `/v1/secret/data/${key}`, { data: { key } });
  expect(res.status).toBe(200);
  acked.push(key);
}

async function expectOneActiveAndAllWrites(f: ClusterFixture): Promise<string> {
  await expect.poll(() => inState(f.cluster, 'active').length, { timeout: 5000, interval: 10 }).toBe(1);
  const active = f.cluster.active()!.name;
  for (const key of acked) {
    const res = await f.http(active, 'GET', `/v1/secret/data/${key}`);
    expect(res.status, key).toBe(200);
  }
  return active;
}

describe('failover', () => {
  it('after step-down: another node becomes active, the old one stays standby', async () => {
    fx = await startCluster();
    acked.length = 0;
    const old = fx.cluster.active()!.name;
    await writeThrough(fx, old, 'before-step-down');
    const res = await fx.http(inState(fx.cluster, 'standby')[0], 'PUT', '/v1/sys/step-down');
    expect(res.status).toBe(204);
    await expect.poll(() => fx!.cluster.active()?.name, { timeout: 5000, interval: 10 }).not.toBe(old);
    const now = await expectOneActiveAndAllWrites(fx);
    expect(now).not.toBe(old);
    expect(fx.cluster.get(old).node.state).toBe('standby');
    await writeThrough(fx, old, 'after-step-down');
    expect(fx.cluster.timeline.events.some((e) => e.node === old && e.type === 'lock-released')).toBe(true);
  });

  it('after sealing the active: a standby takes over at once; the sealed node unseals back to standby', async () => {
    fx = await startCluster();
    acked.length = 0;
    const old = fx.cluster.active()!.name;
    await writeThrough(fx, old, 'before-seal');
    expect((await fx.http(old, 'PUT', '/v1/sys/seal')).status).toBe(204);
    expect(fx.cluster.get(old).node.state).toBe('sealed');
    const now = await expectOneActiveAndAllWrites(fx);
    expect(now).not.toBe(old);
    await fx.cluster.unseal(old, fx.init.keys.slice(2, 5));
    await expect.poll(() => fx!.cluster.get(old).node.state, { timeout: 2000 }).toBe('standby');
    await writeThrough(fx, old, 'after-seal');
  });

  it('after killing the active: a standby takes over only once the lease has run out; the restarted node comes back sealed', async () => {
    fx = await startCluster();
    acked.length = 0;
    const old = fx.cluster.active()!.name;
    await writeThrough(fx, old, 'before-kill');
    const killedAt = Date.now();
    const lease = await fx.cluster.backend.lock('core/lock', '', { holder: 'observer', ttlMs: 1 }).value();
    await fx.cluster.kill(old);
    expect(inState(fx.cluster, 'active')).toHaveLength(0);
    const survivor = inState(fx.cluster, 'standby')[0];
    await expect.poll(() => fx!.cluster.active()?.name, { timeout: 5000, interval: 5 }).toBeDefined();
    const tookOverAt = Date.now();
    // The lock was abandoned, not released: nobody could take it before it expired.
    expect(tookOverAt).toBeGreaterThanOrEqual(Math.min(lease.expires ?? killedAt, killedAt + fx.cluster.timings.lockTtlMs) - 5);
    await expectOneActiveAndAllWrites(fx);
    await writeThrough(fx, survivor, 'after-kill');
    await expect(fetch(`${fx.cluster.get(old).apiAddr}/v1/sys/health`)).rejects.toThrow();
    await fx.cluster.restart(old);
    const status = await fx.http(old, 'GET', '/v1/sys/seal-status');
    expect(status.body).toMatchObject({ initialized: true, sealed: true, progress: 0 });
    await fx.cluster.unseal(old, fx.init.keysBase64.slice(0, 3));
    await expect.poll(() => fx!.cluster.get(old).node.state, { timeout: 2000 }).toBe('standby');
    await expectOneActiveAndAllWrites(fx);
  });
});
