/**
 * Attack corpus, token lifetime across a cluster: a limited-use token spread over every
 * node (standbys forward to the active, which spends the uses), and an expiring subtree
 * whose active dies or whose whole cluster is down when the parent's TTL runs out: the
 * next active revokes it, on time or at once on activation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/clock/index.ts';
import { LAB_TIMINGS } from '../../../src/ha/index.ts';
import { Cluster } from '../../../src/lab/index.ts';
import type { InitResult } from '../../../src/node/index.ts';
import { startCluster, type ClusterFixture } from '../../helpers/cluster-fixture.ts';

describe('attack: num_uses spread over the active and its standbys', () => {
  let fx: ClusterFixture | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await fx?.cluster.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    fx = undefined;
  });

  // On level storage, as the lab runs: its writes really wait for I/O, so requests interleave.
  it('200 concurrent requests over three nodes with num_uses=5: exactly 5 are served', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vaultlab-uses-'));
    fx = await startCluster({ storage: 'level', dir });
    const made = await fx.http(fx.cluster.active()!.name, 'POST', '/v1/auth/token/create', { policies: ['default'], num_uses: 5 });
    expect(made.status).toBe(200);
    const token = made.body.auth.client_token as string;
    const names = fx.cluster.nodes.map((n) => n.name);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fx!.http(names[i % names.length], 'GET', '/v1/auth/token/lookup-self', undefined, { 'x-vault-token': token }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 403)).toHaveLength(195);
    expect((await fx.http(names[1], 'POST', '/v1/auth/token/lookup', { token })).status).toBe(403);
  });
});

/** A three-node lab without sockets in virtual time, initialized and unsealed. */
async function virtualLab(): Promise<{ cluster: Cluster; clock: SimClock; init: InitResult }> {
  const clock = new SimClock();
  const cluster = await Cluster.start({ nodes: 3, storage: 'memory', clock, listen: false, timings: LAB_TIMINGS });
  const init = await cluster.init(5, 3);
  await cluster.unsealAll(init.keys.slice(0, 3));
  await runUntilActive(cluster, clock);
  return { cluster, clock, init };
}

async function runUntilActive(cluster: Cluster, clock: SimClock): Promise<void> {
  for (let i = 0; i < 200 && !cluster.active(); i++) await clock.advance(50);
  expect(cluster.active(), 'an active node').toBeDefined();
}

async function createToken(cluster: Cluster, token: string, body: Record<string, unknown>): Promise<string> {
  const served = await cluster.active()!.node.handle({ operation: 'update', path: 'auth/token/create', data: body, token });
  return served.response!.auth!.clientToken;
}

/** Whether the token store of the active still holds the token (revoked = gone from storage). */
async function stored(cluster: Cluster, token: string): Promise<boolean> {
  const tokens = cluster.active()!.node.system.tokens;
  return (await tokens.byHash(tokens.hash(token))) !== undefined;
}

async function expiringTree(cluster: Cluster, root: string): Promise<string[]> {
  const parent = await createToken(cluster, root, { policies: ['default'], ttl: '3s' });
  await cluster.active()!.node.handle({
    operation: 'update',
    path: 'sys/policy/minter',
    data: { policy: 'path "auth/token/create" { capabilities = ["update"] }' },
    token: root,
  });
  const minter = await createToken(cluster, root, { policies: ['minter'], ttl: '3s' });
  const child = await createToken(cluster, minter, { ttl: '1h' });
  const grandchild = await createToken(cluster, child, { ttl: '1h' });
  return [parent, minter, child, grandchild];
}

describe('attack: an expiring subtree across failover and restart (virtual time)', () => {
  let lab: { cluster: Cluster; clock: SimClock } | undefined;
  afterEach(async () => {
    await lab?.cluster.close();
    lab = undefined;
  });

  it('the active dies before the parent expires: the next active revokes the whole tree on time', async () => {
    const { cluster, clock, init } = (lab = await virtualLab());
    const start = clock.now();
    const tree = await expiringTree(cluster, init.rootToken);
    const first = cluster.active()!.name;
    await cluster.kill(first);
    await runUntilActive(cluster, clock);
    expect(cluster.active()!.name).not.toBe(first);
    await clock.runUntil(start + 2_500);
    for (const t of tree) expect(await stored(cluster, t), 'alive before the TTL').toBe(true);
    await clock.runUntil(start + 4_500);
    for (const t of tree) expect(await stored(cluster, t), 'revoked after the TTL').toBe(false);
  });

  it('no node is active when the parent expires: the first active revokes the tree on activation', async () => {
    const { cluster, clock, init } = (lab = await virtualLab());
    const tree = await expiringTree(cluster, init.rootToken);
    for (const n of cluster.nodes) cluster.seal(n.name);
    await clock.advance(10_000);
    expect(cluster.active()).toBeUndefined();
    await cluster.unseal('node2', init.keys.slice(0, 3));
    await runUntilActive(cluster, clock);
    await clock.advance(0);
    for (const t of tree) expect(await stored(cluster, t), 'revoked on activation').toBe(false);
  });

  it('a sealed node keeps no revocation timers; a renewed token is not revoked at its old expiry', async () => {
    const { cluster, clock, init } = (lab = await virtualLab());
    const active = cluster.active()!;
    const t = await createToken(cluster, init.rootToken, { policies: ['default'], ttl: '3s' });
    await clock.advance(2_000);
    await active.node.handle({ operation: 'update', path: 'auth/token/renew-self', data: { increment: '10s' }, token: t });
    await clock.advance(5_000);
    expect(await stored(cluster, t), 'renewed to 12 s').toBe(true);
    cluster.seal(active.name);
    expect(active.node.system.expiration.pending).toBe(0);
  });
});
