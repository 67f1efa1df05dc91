/**
 * The balancer as part of a lab: `--api-addr lb` makes every node advertise it, so a standby
 * asked not to forward sends the client back to the balancer (Vault's redirect loop: with a
 * pooled connection the client lands on the same standby and gets the same 307); without it
 * the 307 names the active's own address. The built-in balancer's marks are timeline events.
 */
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

const CHECK = { interMs: 100, fall: 3, rise: 2, timeoutMs: 2000 };
let fx: ClusterFixture | undefined;
afterEach(async () => {
  await fx?.cluster.close();
  fx = undefined;
});

const noForwarding = { 'x-vault-no-request-forwarding': 'true' };

describe('a lab with a balancer', () => {
  it('--api-addr lb: a standby redirects to the balancer, and a pooled client is sent back to the same 307', async () => {
    fx = await startCluster({ balancer: { mode: 'standby-ok', check: CHECK, advertise: true } });
    const lb = fx.cluster.balancer!.url;
    const standby = inState(fx.cluster, 'standby')[0]!;
    const direct = await fx.http(standby, 'GET', '/v1/secret/data/handshake', undefined, noForwarding);
    expect(direct.status).toBe(307);
    expect(direct.headers.get('location')).toBe(`${lb}/v1/secret/data/handshake`);
    const leader = await fx.http(standby, 'GET', '/v1/sys/leader');
    expect(leader.body.leader_address).toBe(lb);

    // One keep-alive connection through the balancer stays with one node: on a standby, following its 307 comes back to it.
    await expect
      .poll(async () => (await fx!.cluster.balancer!.balancer.servers()).every((s) => s.status === 'UP'), { timeout: 15_000 })
      .toBe(true);
    const url = `${lb}/v1/secret/data/handshake`;
    let looped = false;
    for (let attempt = 0; attempt < 6 && !looped; attempt++) {
      const pool = new Agent({ connections: 1 });
      const hops: { status: number; location: unknown }[] = [];
      for (let hop = 0; hop < 3; hop++) {
        const res = await request(url, { headers: { 'x-vault-token': fx.init.rootToken, ...noForwarding }, dispatcher: pool });
        await res.body.text();
        hops.push({ status: res.statusCode, location: res.headers.location });
      }
      await pool.close();
      // Round-robin put this connection on the active: it answers, no loop to see; the next connection goes elsewhere.
      if (hops[0]!.status !== 307) continue;
      expect(hops).toEqual(Array(3).fill({ status: 307, location: url }));
      looped = true;
    }
    expect(looped).toBe(true);
  });

  it('without --api-addr lb: the 307 names the active itself, and sys/leader does too', async () => {
    fx = await startCluster({ balancer: { mode: 'active', check: CHECK } });
    const active = fx.cluster.active()!;
    const standby = inState(fx.cluster, 'standby')[0]!;
    const direct = await fx.http(standby, 'GET', '/v1/secret/data/handshake', undefined, noForwarding);
    expect(direct.status).toBe(307);
    expect(direct.headers.get('location')).toBe(`${active.apiAddr}/v1/secret/data/handshake`);
    expect((await fx.http(standby, 'GET', '/v1/sys/leader')).body.leader_address).toBe(active.apiAddr);
  });

  it("the built-in balancer's marks are timeline events, in the check's words", async () => {
    fx = await startCluster({ balancer: { mode: 'active', check: CHECK } });
    const standbys = inState(fx.cluster, 'standby');
    await expect
      .poll(() => fx!.cluster.timeline.events.filter((e) => e.type === 'balancer').map((e) => [e.node, e.detail]), { timeout: 15_000 })
      .toEqual(
        expect.arrayContaining([
          ['lab', expect.stringMatching(/^built-in balancer at http:\/\/127\.0\.0\.1:\d+, active, inter 100ms fall 3 rise 2$/)],
          ...standbys.map((n) => [n, 'marked DOWN (L7STS 429)']),
        ]),
      );
  });
});
