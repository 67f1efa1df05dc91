/** sys/ha-status over HTTP on a 3-node lab: who the active has heard from, in Vault's shape and under its ACL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

let fx: ClusterFixture;
beforeAll(async () => {
  fx = await startCluster();
});
afterAll(() => fx.cluster.close());

const nodesOf = async (via: string, token?: string) => {
  const r = await fx.http(via, 'GET', '/v1/sys/ha-status', undefined, token ? { 'x-vault-token': token } : {});
  return r.status === 200 ? (r.body.data.nodes as Array<Record<string, unknown>>) : [];
};

async function tokenWithPolicy(name: string, policy: string): Promise<string> {
  const active = fx.cluster.active()!.name;
  expect((await fx.http(active, 'PUT', `/v1/sys/policies/acl/${name}`, { policy })).status).toBe(204);
  return (await fx.http(active, 'POST', '/v1/auth/token/create', { policies: [name] })).body.auth.client_token;
}

describe('sys/ha-status on a 3-node cluster', () => {
  it('lists the active (last_echo null) and both standbys (with their last echo), sorted by api_address', async () => {
    const active = fx.cluster.active()!;
    await expect.poll(async () => (await nodesOf(active.name)).length, { timeout: 5000 }).toBe(3);
    const r = await fx.http(active.name, 'GET', '/v1/sys/ha-status');
    expect(r.status).toBe(200);
    expect(r.body.mount_type).toBe('system');
    // Vault copies data to the top level here: the Go client's HAStatus() reads `nodes` from there.
    expect(r.body.nodes).toEqual(r.body.data.nodes);
    const nodes = r.body.data.nodes as Array<Record<string, any>>;
    expect(nodes.map((n) => n.api_address)).toEqual(fx.cluster.nodes.map((n) => n.apiAddr).sort());
    for (const n of nodes) {
      const lab = fx.cluster.nodes.find((x) => x.apiAddr === n.api_address)!;
      expect(Object.keys(n).sort()).toEqual([
        'active_node',
        'api_address',
        'clock_skew_ms',
        'cluster_address',
        'echo_duration_ms',
        'hostname',
        'last_echo',
        'replication_primary_canary_age_ms',
        'version',
      ]);
      expect(n).toMatchObject({ hostname: lab.name, cluster_address: lab.cluster!.url, active_node: lab === active, version: '1.18.5' });
      if (lab === active) expect(n.last_echo).toBeNull();
      else expect(Number.isNaN(Date.parse(n.last_echo))).toBe(false);
    }
  });

  it('answers the same through a standby, which forwards it to the active', async () => {
    const active = fx.cluster.active()!;
    const standby = inState(fx.cluster, 'standby')[0];
    const nodes = await nodesOf(standby);
    expect(nodes).toHaveLength(3);
    expect(nodes.filter((n) => n.active_node).map((n) => n.api_address)).toEqual([active.apiAddr]);
  });

  it('needs read on sys/ha-status (not sudo): a default-policy token is refused', async () => {
    const active = fx.cluster.active()!.name;
    const plain = await tokenWithPolicy('plain', 'path "secret/*" { capabilities = ["read"] }');
    const reader = await tokenWithPolicy('members', 'path "sys/ha-status" { capabilities = ["read"] }');
    expect((await fx.http(active, 'GET', '/v1/sys/ha-status', undefined, { 'x-vault-token': plain })).status).toBe(403);
    expect((await fx.http(active, 'GET', '/v1/sys/ha-status', undefined, { 'x-vault-token': '' })).status).toBe(403);
    expect(await nodesOf(active, reader)).toHaveLength(3);
  });

  it('drops a standby that stops echoing: partitioned from its peers, then sealed; lists it again once healed', async () => {
    const active = fx.cluster.active()!;
    const [first, second] = inState(fx.cluster, 'standby');
    fx.cluster.partitionFromPeers(first, true);
    await expect
      .poll(async () => (await nodesOf(active.name)).map((n) => n.hostname).sort(), { timeout: 5000 })
      .toEqual([active.name, second].sort());
    fx.cluster.partitionFromPeers(first, false);
    await expect.poll(async () => (await nodesOf(active.name)).length, { timeout: 5000 }).toBe(3);
    fx.cluster.seal(second);
    await expect
      .poll(async () => (await nodesOf(active.name)).map((n) => n.hostname).sort(), { timeout: 5000 })
      .toEqual([active.name, first].sort());
  });

  it('answers 405 to a write', async () => {
    expect((await fx.http(fx.cluster.active()!.name, 'PUT', '/v1/sys/ha-status', {})).status).toBe(405);
  });
});
