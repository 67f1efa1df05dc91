/**
 * A batch token in a cluster: made on the active, it works through a standby's forwarding
 * and on another node after a failover (all nodes share storage and keyring), and is never stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inState, startCluster, waitFor, type ClusterFixture } from '../helpers/cluster-fixture.ts';
import { dumpBackend } from '../helpers/storage-dump.ts';

let fx: ClusterFixture;
let token: string;
/** Keys written through the standbys, read again after the failover. */
const written: string[] = [];
const as = (node: string, method: string, path: string, body?: unknown) => fx.http(node, method, path, body, { 'x-vault-token': token });

beforeAll(async () => {
  fx = await startCluster();
  const active = fx.cluster.active()!.name;
  await fx.http(active, 'PUT', '/v1/sys/policy/app', {
    policy: 'path "secret/data/app/*" { capabilities = ["create", "read", "update"] }',
  });
  const created = await fx.http(active, 'POST', '/v1/auth/token/create', { type: 'batch', policies: ['app'], ttl: '1h' });
  token = created.body.auth.client_token;
}, 30_000);
afterAll(() => fx.cluster.close());

describe('a batch token across the cluster', () => {
  it('was stored nowhere by its creation', async () => {
    const active = fx.cluster.active()!.name;
    const before = await dumpBackend(fx.cluster.backend);
    const again = await fx.http(active, 'POST', '/v1/auth/token/create', { type: 'batch', policies: ['app'] });
    expect(again.body.auth.token_type).toBe('batch');
    expect(await dumpBackend(fx.cluster.backend)).toEqual(before);
  });

  it("writes and reads KV through each standby's forwarding, and is looked up there", async () => {
    for (const name of inState(fx.cluster, 'standby')) {
      const w = await as(name, 'POST', `/v1/secret/data/app/${name}`, { data: { via: name } });
      expect(w.status).toBe(200);
      written.push(`app/${name}`);
      expect((await as(name, 'GET', `/v1/secret/data/app/${name}`)).body.data.data).toEqual({ via: name });
      const self = await as(name, 'GET', '/v1/auth/token/lookup-self');
      expect(self.body.data).toMatchObject({ id: token, accessor: '', type: 'batch', renewable: false, policies: ['app', 'default'] });
      expect((await as(name, 'GET', '/v1/secret/data/other')).status).toBe(403);
    }
  });

  it('still works on the new active after a failover', async () => {
    const first = fx.cluster.active()!.name;
    fx.cluster.stepDown();
    await waitFor(() => fx.cluster.active() !== undefined && fx.cluster.active()!.name !== first, 30_000);
    const second = fx.cluster.active()!.name;
    for (const key of written) expect((await as(second, 'GET', `/v1/secret/data/${key}`)).status).toBe(200);
    expect(written).toHaveLength(2);
    const w = await as(second, 'POST', '/v1/secret/data/app/after-failover', { data: { ok: true } });
    expect(w.status).toBe(200);
    // And through the old active, now a standby, forwarding to the new one.
    expect((await as(first, 'GET', '/v1/secret/data/app/after-failover')).body.data.data).toEqual({ ok: true });
  }, 60_000);
});
