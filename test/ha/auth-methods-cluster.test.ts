/**
 * Auth methods in a cluster: logins through a standby are forwarded to the active with the
 * client's own address (so CIDR bindings judge the client, not the standby), the tokens work
 * through the standbys, and the auth table and its users survive a failover.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inState, startCluster, waitFor, type ClusterFixture } from '../helpers/cluster-fixture.ts';

let fx: ClusterFixture;
/**
 * A login sent to a standby's app as if from `ip`: the lab's network proxy makes every socket
 * client look like 127.0.0.1, so the client's address is set on the request the standby's app
 * receives; the standby then forwards it over the real cluster channel.
 */
async function loginFrom(node: string, body: unknown, ip: string): Promise<{ status: number; body: any }> {
  const res = await fx.cluster.get(node).app.inject({
    method: 'POST',
    url: '/v1/auth/approle/login',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
    remoteAddress: ip,
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}

beforeAll(async () => {
  fx = await startCluster();
  const active = fx.cluster.active()!.name;
  await fx.http(active, 'POST', '/v1/sys/auth/userpass', { type: 'userpass' });
  await fx.http(active, 'POST', '/v1/sys/auth/approle', { type: 'approle' });
  await fx.http(active, 'PUT', '/v1/sys/policy/app', { policy: 'path "secret/data/app/*" { capabilities = ["create", "read"] }' });
  await fx.http(active, 'POST', '/v1/auth/userpass/users/alice', { password: 'pw-alice', token_policies: 'app' });
  await fx.http(active, 'POST', '/v1/auth/approle/role/local', {
    role_id: 'local-id',
    secret_id_bound_cidrs: '127.0.0.2/32',
    token_policies: 'app',
  });
}, 30_000);
afterAll(() => fx.cluster.close());

describe('auth methods across the cluster', () => {
  it('logs in through each standby, and the token works there', async () => {
    for (const name of inState(fx.cluster, 'standby')) {
      const login = await fx.http(name, 'POST', '/v1/auth/userpass/login/alice', { password: 'pw-alice' }, { 'x-vault-token': '' });
      expect(login.status).toBe(200);
      expect(login.body.auth).toMatchObject({ policies: ['app', 'default'], metadata: { username: 'alice' }, renewable: true });
      const token = login.body.auth.client_token;
      const w = await fx.http(name, 'POST', `/v1/secret/data/app/${name}`, { data: { via: name } }, { 'x-vault-token': token });
      expect(w.status).toBe(200);
      const self = await fx.http(name, 'GET', '/v1/auth/token/lookup-self', undefined, { 'x-vault-token': token });
      expect(self.body.data.path).toBe('auth/userpass/login/alice');
    }
  });

  it("judges a forwarded login's CIDR binding by the client's address, not the standby's", async () => {
    const active = fx.cluster.active()!.name;
    const standby = inState(fx.cluster, 'standby')[0]!;
    const sid = async () => (await fx.http(active, 'POST', '/v1/auth/approle/role/local/secret-id', {})).body.data.secret_id;
    const refused = await loginFrom(standby, { role_id: 'local-id', secret_id: await sid() }, '127.0.0.9');
    expect(refused).toEqual({
      status: 400,
      body: { errors: ['source address "127.0.0.9" unauthorized by CIDR restrictions on the role: %!w(<nil>)'] },
    });
    const ok = await loginFrom(standby, { role_id: 'local-id', secret_id: await sid() }, '127.0.0.2');
    expect(ok.status).toBe(200);
    expect(ok.body.auth.metadata).toEqual({ role_name: 'local' });
  });

  it('keeps the auth table and users after a failover', async () => {
    const first = fx.cluster.active()!.name;
    fx.cluster.stepDown();
    await waitFor(() => fx.cluster.active() !== undefined && fx.cluster.active()!.name !== first, 30_000);
    const second = fx.cluster.active()!.name;
    const list = await fx.http(second, 'GET', '/v1/sys/auth');
    expect(Object.keys(list.body.data)).toEqual(['approle/', 'token/', 'userpass/']);
    const login = await fx.http(second, 'POST', '/v1/auth/userpass/login/alice', { password: 'pw-alice' }, { 'x-vault-token': '' });
    expect(login.status).toBe(200);
  });
});
