/**
 * Transit keys live in the mount's storage, not in a node: a value encrypted through one
 * active decrypts on the node that takes over after that active is killed, and a key rotated
 * before the kill keeps both versions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

let fx: ClusterFixture | undefined;
afterEach(async () => {
  await fx?.cluster.close();
  fx = undefined;
});

describe('transit across a failover', () => {
  it('decrypts on the new active what the killed active encrypted, with every key version', async () => {
    fx = await startCluster();
    const old = fx.cluster.active()!.name;
    expect((await fx.http(old, 'POST', '/v1/sys/mounts/transit', { type: 'transit' })).status).toBe(204);
    expect((await fx.http(old, 'POST', '/v1/transit/keys/ha', { type: 'chacha20-poly1305' })).status).toBe(200);
    const plaintext = Buffer.from('survives the failover').toString('base64');
    const v1 = (await fx.http(old, 'POST', '/v1/transit/encrypt/ha', { plaintext })).body.data.ciphertext;
    expect((await fx.http(old, 'POST', '/v1/transit/keys/ha/rotate', {})).status).toBe(200);
    const v2 = (await fx.http(old, 'POST', '/v1/transit/encrypt/ha', { plaintext })).body.data.ciphertext;
    expect([v1.slice(0, 9), v2.slice(0, 9)]).toEqual(['vault:v1:', 'vault:v2:']);

    await fx.cluster.kill(old);
    await expect.poll(() => inState(fx!.cluster, 'active').length, { timeout: 5000, interval: 10 }).toBe(1);
    const now = fx.cluster.active()!.name;
    expect(now).not.toBe(old);
    for (const ciphertext of [v1, v2]) {
      const r = await fx.http(now, 'POST', '/v1/transit/decrypt/ha', { ciphertext });
      expect({ status: r.status, data: r.body.data }).toEqual({ status: 200, data: { plaintext } });
    }
    const key = await fx.http(now, 'GET', '/v1/transit/keys/ha');
    expect(key.body.data).toMatchObject({ latest_version: 2, type: 'chacha20-poly1305' });
    expect(Object.keys(key.body.data.keys)).toEqual(['1', '2']);
  });
});
