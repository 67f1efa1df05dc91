/**
 * A rekey makes a new root key while standbys hold the old one: a standby unsealed before the
 * rekey takes over (step-down, then a kill) and reads the new keyring through core/root-key,
 * serving values written before and after; rotate, rekey, rotate again keeps every value
 * readable after a failover.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

let fx: ClusterFixture | undefined;
afterEach(async () => {
  await fx?.cluster.close();
  fx = undefined;
});

async function rekey(f: ClusterFixture, node: string, keys: string[]): Promise<string[]> {
  const started = await f.http(node, 'PUT', '/v1/sys/rekey/init', { secret_shares: 3, secret_threshold: 2 });
  expect(started.status).toBe(200);
  const nonce = started.body.nonce as string;
  let done: { status: number; body: any } | undefined;
  for (const key of keys) done = await f.http(node, 'PUT', '/v1/sys/rekey/update', { key, nonce });
  expect(done?.body).toMatchObject({ complete: true, nonce });
  return done!.body.keys as string[];
}

async function write(f: ClusterFixture, key: string, v: string): Promise<void> {
  expect((await f.http(f.cluster.active()!.name, 'POST', `/v1/secret/data/${key}`, { data: { v } })).status).toBe(200);
}

async function expectValues(f: ClusterFixture, node: string, values: Record<string, string>): Promise<void> {
  for (const [key, v] of Object.entries(values)) {
    const res = await f.http(node, 'GET', `/v1/secret/data/${key}`);
    expect(res.status, key).toBe(200);
    expect(res.body.data.data, key).toEqual({ v });
  }
}

async function newActive(f: ClusterFixture, not: string): Promise<string> {
  await expect.poll(() => f.cluster.active()?.name, { timeout: 5000, interval: 10 }).not.toBe(not);
  await expect.poll(() => f.cluster.active()?.name, { timeout: 5000, interval: 10 }).toBeDefined();
  return f.cluster.active()!.name;
}

describe('rekey with standbys holding the old root key', () => {
  it('a standby unsealed before the rekey becomes active on step-down and on a kill, and reads old and new values', async () => {
    fx = await startCluster();
    const f = fx;
    const first = f.cluster.active()!.name;
    await write(f, 'old', 'before-rekey');
    await rekey(f, first, f.init.keys.slice(0, 3));
    await write(f, 'new', 'after-rekey');
    expect((await f.http(first, 'PUT', '/v1/sys/step-down')).status).toBe(204);
    const second = await newActive(f, first);
    await expectValues(f, second, { old: 'before-rekey', new: 'after-rekey' });
    await write(f, 'newer', 'after-step-down');
    await f.cluster.kill(second);
    const third = await newActive(f, second);
    await expectValues(f, third, { old: 'before-rekey', new: 'after-rekey', newer: 'after-step-down' });
  });

  it('rotate, rekey, rotate: every value is readable after a failover, and only the new shares unseal', async () => {
    fx = await startCluster();
    const f = fx;
    const first = f.cluster.active()!.name;
    await write(f, 'term1', 'a');
    expect((await f.http(first, 'PUT', '/v1/sys/rotate')).status).toBe(204);
    await write(f, 'term2', 'b');
    const newKeys = await rekey(f, first, f.init.keys.slice(0, 3));
    expect((await f.http(first, 'PUT', '/v1/sys/rotate')).status).toBe(204);
    await write(f, 'term3', 'c');
    await f.cluster.kill(first);
    const second = await newActive(f, first);
    await expectValues(f, second, { term1: 'a', term2: 'b', term3: 'c' });
    expect((await f.http(second, 'GET', '/v1/sys/key-status')).body.data.term).toBe(3);
    await f.cluster.restart(first);
    const refused = await f.http(first, 'PUT', '/v1/sys/unseal', { key: f.init.keys[0] });
    expect(refused.body).toMatchObject({ sealed: true, progress: 1 });
    expect((await f.http(first, 'PUT', '/v1/sys/unseal', { key: f.init.keys[1] })).status).toBe(400);
    for (const key of newKeys.slice(0, 2)) await f.http(first, 'PUT', '/v1/sys/unseal', { key });
    await expect.poll(() => f.cluster.get(first).node.state, { timeout: 2000 }).toBe('standby');
    expect(inState(f.cluster, 'sealed')).toEqual([]);
  });
});
