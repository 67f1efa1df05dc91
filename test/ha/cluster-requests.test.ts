/** Issue 4: one active, standbys that forward or redirect, and what they answer without an active. */
import { Agent, interceptors, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

let fx: ClusterFixture;
beforeAll(async () => {
  fx = await startCluster();
});
afterAll(() => fx.cluster.close());

describe('a 3-node cluster', () => {
  it('has exactly one active and two standbys, each reporting the same leader', async () => {
    expect(inState(fx.cluster, 'active')).toHaveLength(1);
    expect(inState(fx.cluster, 'standby')).toHaveLength(2);
    const active = fx.cluster.active()!;
    for (const n of fx.cluster.nodes) {
      await expect
        .poll(async () => (await fx.http(n.name, 'GET', '/v1/sys/leader')).body.leader_address, { timeout: 2000 })
        .toBe(active.apiAddr);
      const leader = (await fx.http(n.name, 'GET', '/v1/sys/leader')).body;
      expect(leader).toMatchObject({ ha_enabled: true, is_self: n === active, leader_cluster_address: active.cluster!.url });
      const health = await fx.http(n.name, 'GET', '/v1/sys/health');
      expect(health.status).toBe(n === active ? 200 : 429);
      expect((await fx.http(n.name, 'GET', '/v1/sys/health?standbyok=true')).status).toBe(200);
    }
    expect((await fx.http(active.name, 'GET', '/v1/sys/leader')).body.active_time).not.toBe('0001-01-01T00:00:00Z');
  });

  it('forwards a KV write sent to each standby, readable from every node', async () => {
    for (const name of inState(fx.cluster, 'standby')) {
      const w = await fx.http(name, 'POST', `/v1/secret/data/from-${name}`, { data: { via: name } });
      expect(w.status).toBe(200);
      expect(w.body.data.version).toBe(1);
      for (const reader of fx.cluster.nodes) {
        const r = await fx.http(reader.name, 'GET', `/v1/secret/data/from-${name}`);
        expect(r.status).toBe(200);
        expect(r.body.data.data).toEqual({ via: name });
      }
    }
  });

  it("forwards LIST and the active's errors unchanged", async () => {
    const standby = inState(fx.cluster, 'standby')[0];
    const list = await request(`${fx.cluster.get(standby).apiAddr}/v1/secret/metadata/`, {
      method: 'LIST' as 'GET',
      headers: { 'x-vault-token': fx.init.rootToken },
    });
    expect(list.statusCode).toBe(200);
    expect(((await list.body.json()) as any).data.keys.length).toBeGreaterThanOrEqual(2);
    const missing = await fx.http(standby, 'GET', '/v1/secret/data/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ errors: [] });
    const denied = await fx.http(standby, 'GET', '/v1/secret/data/x', undefined, { 'x-vault-token': 'hvs.notarealtokennotarealtok' });
    expect(denied).toMatchObject({ status: 403, body: { errors: ['permission denied'] } });
  });

  it("answers 307 to the active's api_addr with the same path and query when asked not to forward", async () => {
    const active = fx.cluster.active()!;
    for (const name of inState(fx.cluster, 'standby')) {
      const res = await fx.http(name, 'GET', '/v1/secret/data/from-node2?version=1', undefined, {
        'x-vault-no-request-forwarding': 'true',
      });
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toBe(`${active.apiAddr}/v1/secret/data/from-node2?version=1`);
      expect(res.headers.get('location')).not.toContain(fx.cluster.get(name).apiAddr);
    }
  });

  it('gives a client that follows the 307 the same answer as the active', async () => {
    const active = fx.cluster.active()!;
    const standby = inState(fx.cluster, 'standby')[0];
    const agent = new Agent().compose(interceptors.redirect({ maxRedirections: 1 }));
    const headers = { 'x-vault-token': fx.init.rootToken, 'x-vault-no-request-forwarding': '1' };
    const followed = await request(`${fx.cluster.get(standby).apiAddr}/v1/secret/data/from-node3`, { headers, dispatcher: agent });
    const direct = await request(`${active.apiAddr}/v1/secret/data/from-node3`, { headers });
    expect(followed.statusCode).toBe(200);
    const a = (await followed.body.json()) as any;
    const b = (await direct.body.json()) as any;
    expect(a.data).toEqual(b.data);
    const write = await request(`${fx.cluster.get(standby).apiAddr}/v1/secret/data/redirected-write`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ data: { ok: true } }),
      dispatcher: agent,
    });
    expect(write.statusCode).toBe(200);
    await write.body.text();
    await agent.close();
  });

  it('refuses to seal a standby through the API, as Vault does', async () => {
    const standby = inState(fx.cluster, 'standby')[0];
    const res = await fx.http(standby, 'PUT', '/v1/sys/seal');
    expect(res.status).toBe(500);
    expect(res.body.errors).toEqual(['vault cannot seal when in standby mode; please restart instead']);
    expect(fx.cluster.get(standby).node.state).toBe('standby');
  });
});
