/**
 * Vault's cluster port in a real lab: standbys forward and echo over one mutual-TLS
 * connection to the active's cluster address, never through its API port; the port takes
 * only a peer that presents the current term's certificate (read from the leader entry
 * behind the barrier), and a new term's active refuses the previous term's.
 */
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabNode } from '../../src/lab/index.ts';
import type { ClusterIdentity } from '../../src/node/index.ts';
import { END, encodeFrame, encodeHead, FrameKind, FrameReader } from '../../src/net/cluster-frames.ts';
import { CLUSTER_PROTOCOL, selfSigned } from '../../src/net/index.ts';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

let fx: ClusterFixture;
beforeAll(async () => {
  fx = await startCluster();
});
afterAll(() => fx.cluster.close());

const active = (): LabNode => fx.cluster.active()!;
const standby = (): LabNode => fx.cluster.get(inState(fx.cluster, 'standby')[0]!);

/** The identity a standby reads for the current active, as it would to forward. */
async function termIdentity(): Promise<ClusterIdentity> {
  const leader = await standby().node.ha!.refreshLeader();
  const id = await standby().node.leaderIdentity(leader!.holder);
  expect(id).toBeDefined();
  return id!;
}

/**
 * Dials a node's cluster port with `id` (or no certificate) and sends one forwarded request
 * without a token: 'answered 403' when the port served it, else how the connection ended.
 */
function dialAndAsk(node: LabNode, id: Partial<ClusterIdentity> & { ca?: string }): Promise<string> {
  const url = new URL(node.cluster!.url);
  return new Promise((resolve) => {
    const s = connect({
      host: url.hostname,
      port: Number(url.port),
      cert: id.cert,
      key: id.key,
      ca: [id.ca ?? id.cert ?? ''],
      ALPNProtocols: [CLUSTER_PROTOCOL],
      checkServerIdentity: () => undefined,
    });
    const reader = new FrameReader();
    s.on('secureConnect', () =>
      s.write(encodeFrame(1, FrameKind.RequestHead, END, encodeHead({ m: 'GET', u: '/v1/secret/data/x', h: {} }))),
    );
    s.on('data', (d: Buffer) => {
      for (const f of reader.push(d)) {
        if (f.kind === FrameKind.ResponseHead) {
          resolve(`answered ${(JSON.parse(f.payload.toString('utf8', 4, 4 + f.payload.readUInt32BE(0))) as { s: number }).s}`);
          s.destroy();
        }
      }
    });
    s.on('error', () => resolve('refused'));
    s.on('close', () => resolve('refused'));
  });
}

describe('the cluster port', () => {
  it('is advertised as sys/leader.leader_cluster_address, an https address', async () => {
    const res = await fx.http(standby().name, 'GET', '/v1/sys/leader');
    expect(new URL(res.body.leader_cluster_address).protocol).toBe('https:');
    expect(res.body.leader_cluster_address).toBe(active().cluster!.url);
  });

  it('carries a standby forwarded requests, and none reaches the active API port', async () => {
    let apiRequests = 0;
    const count = () => apiRequests++;
    active().app.server.on('request', count);
    try {
      const put = await fx.http(standby().name, 'PUT', '/v1/secret/data/fwd', { data: { v: 'over the cluster port' } });
      expect(put.status).toBe(200);
      const got = await fx.http(standby().name, 'GET', '/v1/secret/data/fwd');
      expect(got.body.data.data).toEqual({ v: 'over the cluster port' });
      expect(apiRequests).toBe(0);
      expect(active().cluster!.connections).toBeGreaterThan(0);
    } finally {
      active().app.server.off('request', count);
    }
  });

  it('carries bodies larger than one frame both ways', async () => {
    const big = 'x'.repeat(300_000);
    expect((await fx.http(standby().name, 'PUT', '/v1/secret/data/big', { data: { big } })).status).toBe(200);
    const got = await fx.http(standby().name, 'GET', '/v1/secret/data/big');
    expect(got.body.data.data.big).toBe(big);
  });

  it("serves a peer with the term's certificate and refuses one without it or with another", async () => {
    const id = await termIdentity();
    expect(await dialAndAsk(active(), id)).toBe('answered 403');
    const before = active().cluster!.refused;
    expect(await dialAndAsk(active(), { ca: id.cert })).toBe('refused');
    const stranger = await selfSigned({ commonName: 'not the term', curve: 'P-521' });
    expect(await dialAndAsk(active(), { ...stranger, ca: id.cert })).toBe('refused');
    expect(active().cluster!.refused).toBeGreaterThanOrEqual(before + 2);
    // A standby's port serves nobody, whatever it is shown.
    expect(await dialAndAsk(standby(), id)).toBe('refused');
  });

  it("refuses the previous term's certificate once a new active serves", async () => {
    const old = await termIdentity();
    const was = active().name;
    fx.cluster.stepDown();
    await expect.poll(() => fx.cluster.active()?.name, { timeout: 15_000 }).not.toBe(was);
    await expect.poll(() => fx.cluster.active()?.node.clusterIdentity() !== undefined, { timeout: 15_000 }).toBe(true);
    expect(await dialAndAsk(active(), old)).toBe('refused');
    expect(await dialAndAsk(active(), await termIdentity())).toBe('answered 403');
    // And forwarding follows the new term.
    const put = await fx.http(standby().name, 'PUT', '/v1/secret/data/after', { data: { v: 1 } });
    expect(put.status).toBe(200);
  });

  it('keeps only the current leader entry in storage (an old term key is deleted)', async () => {
    const keys = await fx.cluster.backend.list('core/leader/');
    expect(keys).toHaveLength(1);
    const leader = await active().node.ha!.refreshLeader();
    expect(keys[0]).toBe(leader!.holder);
  });

  it("drops a standby's connection when the standby leaves standby (sealed or killed)", async () => {
    for (const n of inState(fx.cluster, 'standby')) await fx.http(n, 'GET', '/v1/secret/data/fwd');
    await expect.poll(() => active().cluster!.connections, { timeout: 10_000 }).toBe(2);
    const [first, second] = inState(fx.cluster, 'standby');
    fx.cluster.seal(first!);
    await expect.poll(() => active().cluster!.connections, { timeout: 10_000 }).toBe(1);
    await fx.cluster.kill(second!);
    await expect.poll(() => active().cluster!.connections, { timeout: 10_000 }).toBe(0);
  });
});
