/**
 * A lab on its network, over real sockets: with a topology, clients reach each node through
 * its link (the link's latency measured end to end), a standby forwards through its link to
 * the active (the hop's latency added to a forwarded read), a 307 names the active's public
 * address, and each node's storage calls cross its zone's wire; without a topology there is
 * no link at all. Latency checks are tolerances on settings large enough (10–20 ms) that
 * loopback and timer noise stay small beside them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Cluster, cutZone, faultLink, zoneDown } from '../../src/lab/index.ts';
import { TcpLink, type LinkSettings, type Topology } from '../../src/net/index.ts';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

const NONE: LinkSettings = { latencyMs: 0, jitterMs: 0 };
const oneWay = (latencyMs: number): LinkSettings => ({ latencyMs, jitterMs: 0 });

/** Two zones with nothing inside them, `betweenMs` between them, clients `clientMs` from both; storage in z1. */
function twoZones(betweenMs: number, clientMs: number): Topology {
  return {
    name: 'test-two-zones',
    zones: ['z1', 'z2'],
    inside: { z1: NONE, z2: NONE },
    between: { 'z1 z2': oneWay(betweenMs) },
    clients: { z1: oneWay(clientMs), z2: oneWay(clientMs) },
    storageZone: 'z1',
  };
}

const labs: ClusterFixture[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const lab of labs.splice(0)) await lab.cluster.close();
});

async function lab(opts: Parameters<typeof startCluster>[0]): Promise<ClusterFixture> {
  const fixture = await startCluster(opts);
  labs.push(fixture);
  return fixture;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The median ms of `n` sequential calls (after one unmeasured call that opens the connections). */
async function medianMs(n: number, call: () => Promise<unknown>): Promise<number> {
  return median(await timesMs(n, call));
}

/** How long each of `n` calls took (ms), after one warm-up call. */
async function timesMs(n: number, call: () => Promise<unknown>): Promise<number[]> {
  await call();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return times;
}

describe('a lab without a topology', () => {
  it('opens no link: each node is reached on its own listener, and has no zone', async () => {
    const open = vi.spyOn(TcpLink, 'open');
    const { cluster } = await lab({});
    expect(open).not.toHaveBeenCalled();
    expect(cluster.network).toBeUndefined();
    for (const n of cluster.nodes) {
      expect(n.apiAddr).toBe(n.api.url);
      expect(n.zone).toBeUndefined();
    }
  });
});

describe('a lab with a topology', () => {
  it('without sockets (a virtual-time drill) it opens no link, yet places the nodes and times their client crossings on the model', async () => {
    const open = vi.spyOn(TcpLink, 'open');
    const cluster = await Cluster.start({ storage: 'memory', listen: false, topology: twoZones(0, 20) });
    try {
      expect(open).not.toHaveBeenCalled();
      expect(cluster.nodes.map((n) => n.zone)).toEqual(['z1', 'z2', 'z1']);
      expect(cluster.network!.clientCrossing('node2')).toBe(20);
      cutZone(cluster, 'z2', true);
      expect(cluster.network!.clientCrossing('node2')).toBeUndefined();
      expect(cluster.get('node2').storage.partitioned).toBe(true);
      expect(cluster.get('node2').forwarder.blocked).toBe(true);
      cutZone(cluster, 'z2', false);
      expect(cluster.network!.clientCrossing('node2')).toBe(20);
      expect(cluster.get('node2').storage.partitioned).toBe(false);
    } finally {
      await cluster.close();
    }
  });

  it('opens a client link per node and a link per ordered pair of nodes, and places the nodes round-robin', async () => {
    const open = vi.spyOn(TcpLink, 'open');
    const { cluster } = await lab({ topology: twoZones(0, 0) });
    expect(open).toHaveBeenCalledTimes(3 + 3 * 2);
    expect(cluster.nodes.map((n) => n.zone)).toEqual(['z1', 'z2', 'z1']);
    expect(cluster.timeline.events.map((e) => e.detail)).toContain(
      'topology test-two-zones: zones z1, z2; one-way latency 0 ms inside a zone, 0 ms between zones, 0 ms to clients; storage in z1',
    );
    for (const n of cluster.nodes) {
      // The public address is the link's; the node's own listener is elsewhere, behind it.
      expect(new URL(n.apiAddr).port).toBe(String(cluster.network!.clientLink(n.name)!.address.port));
      expect(n.apiAddr).not.toBe(n.api.url);
    }
  });

  it('a sys/health round trip through a node with clients 20 ms away (one-way) takes 40 ms, within +20 %, at the median of 20 (up to three tries: load only adds delay)', async () => {
    const { cluster } = await lab({ topology: twoZones(0, 20) });
    const url = `${cluster.get('node1').apiAddr}/v1/sys/health`;
    // A loaded machine only ever adds delay: every median must reach 40 ms, and one of up to three must land within +20 %.
    const medians: number[] = [];
    do {
      const ms = await medianMs(20, async () => (await fetch(url)).text());
      expect(ms).toBeGreaterThanOrEqual(40);
      medians.push(ms);
    } while (medians.at(-1)! > 40 * 1.2 && medians.length < 3);
    expect(Math.min(...medians), `medians ${medians.join(', ')}`).toBeLessThanOrEqual(40 * 1.2);
  }, 60_000);

  it('every read forwarded by a standby 10 ms (one-way) from the active pays the 20 ms round trip, and the median costs more than a read sent to the active', async () => {
    const fx = await lab({ nodes: 2, topology: twoZones(10, 0) });
    const active = inState(fx.cluster, 'active')[0]!;
    const standby = inState(fx.cluster, 'standby')[0]!;
    expect(fx.cluster.get(active).zone).not.toBe(fx.cluster.get(standby).zone);
    expect((await fx.http(active, 'POST', '/v1/secret/data/wired', { data: { v: 1 } })).status).toBe(200);
    const read = (node: string) => async () => {
      const r = await fx.http(node, 'GET', '/v1/secret/data/wired');
      expect(r.status).toBe(200);
      expect(r.body.data.data).toEqual({ v: 1 });
    };
    // Load only adds delay: each forwarded read crosses the link both ways, whatever the machine does meanwhile. A difference
    // of two medians is not such a bound (noise in the direct sample can eat a fraction of a millisecond of it).
    const direct = await timesMs(10, read(active));
    const forwarded = await timesMs(10, read(standby));
    expect(Math.min(...forwarded)).toBeGreaterThanOrEqual(20);
    expect(median(forwarded)).toBeGreaterThan(median(direct));
  }, 60_000);

  it("a standby's 307 names the active's public address: its link, not its own listener", async () => {
    const fx = await lab({ topology: twoZones(0, 0) });
    const active = fx.cluster.get(inState(fx.cluster, 'active')[0]!);
    const standby = inState(fx.cluster, 'standby')[0]!;
    const r = await fx.http(standby, 'GET', '/v1/secret/data/x', undefined, { 'x-vault-no-request-forwarding': 'true' });
    expect(r.status).toBe(307);
    expect(new URL(r.headers.get('location')!).origin).toBe(active.apiAddr);
    expect(active.apiAddr).not.toBe(active.api.url);
  });
});

describe('kill and restart in a lab with a topology', () => {
  it('a restarted node is reached through the same link, and forwards through its links again', async () => {
    const fx = await lab({ topology: twoZones(0, 0) });
    const active = inState(fx.cluster, 'active')[0]!;
    const before = fx.cluster.get(active).apiAddr;
    await fx.cluster.kill(active);
    await expect.poll(() => inState(fx.cluster, 'active').length, { timeout: 20_000 }).toBe(1);
    await fx.cluster.restart(active);
    await fx.cluster.unseal(active, fx.init.keys.slice(0, 3));
    await expect.poll(() => fx.cluster.get(active).node.state, { timeout: 20_000 }).toBe('standby');
    expect(fx.cluster.get(active).apiAddr).toBe(before);
    await expect.poll(async () => (await fx.http(active, 'GET', '/v1/secret/data/x')).status, { timeout: 20_000 }).toBe(404);
  }, 60_000);
});

describe('faults on the links of a lab', () => {
  it('fault link reset makes the standby fall back to a 307 after one try; heal restores forwarding; both on the timeline', async () => {
    const fx = await lab({ topology: twoZones(0, 0) });
    const active = inState(fx.cluster, 'active')[0]!;
    const standby = inState(fx.cluster, 'standby')[0]!;
    expect((await fx.http(standby, 'GET', '/v1/sys/leader')).status).toBe(200);
    expect((await fx.http(standby, 'GET', '/v1/secret/data/x')).status).toBe(404);
    faultLink(fx.cluster, standby, active, ['reset']);
    const forward = vi.spyOn(fx.cluster.get(standby).forwarder, 'forward');
    const cut = await fx.http(standby, 'GET', '/v1/secret/data/x');
    expect(cut.status).toBe(307);
    // As Vault, it falls back at once: the same unreachable active is not tried a second time.
    expect(forward).toHaveBeenCalledTimes(1);
    expect(new URL(cut.headers.get('location')!).origin).toBe(fx.cluster.get(active).apiAddr);
    fx.cluster.healAll();
    expect((await fx.http(standby, 'GET', '/v1/secret/data/x')).status).toBe(404);
    const details = fx.cluster.timeline.events.filter((e) => e.type === 'fault' || e.detail === 'heal').map((e) => e.detail);
    expect(details).toEqual([`link ${standby}–${active}: reset`, 'heal']);
  });

  it("fault link partition between a standby and the active: the standby's keepalive gives up and it falls back to a 307; heal restores forwarding", async () => {
    const fx = await lab({ topology: twoZones(0, 0) });
    const active = inState(fx.cluster, 'active')[0]!;
    const standby = inState(fx.cluster, 'standby')[0]!;
    expect((await fx.http(standby, 'GET', '/v1/secret/data/x')).status).toBe(404);
    faultLink(fx.cluster, active, standby, ['partition']);
    const links = fx.cluster.network!.linksBetween({ node: standby }, { node: active });
    expect(links).toHaveLength(2);
    // The blackhole holds the forwarded request (nothing resets it); the standby's keepalive finds the active silent.
    const cut = await fx.http(standby, 'GET', '/v1/secret/data/x');
    expect(cut.status).toBe(307);
    expect(new URL(cut.headers.get('location')!).origin).toBe(fx.cluster.get(active).apiAddr);
    expect(links.reduce((n, l) => n + l.stats().bytes.inFlight, 0)).toBeGreaterThan(0);
    fx.cluster.healAll();
    await expect.poll(async () => (await fx.http(standby, 'GET', '/v1/secret/data/x')).status, { timeout: 20_000 }).toBe(404);
    expect((await fx.http(standby, 'POST', '/v1/secret/data/x', { data: { v: 1 } })).status).toBe(200);
  }, 60_000);

  it('fault zone down cuts every node of the zone off: clients, peers and storage; a node of another zone becomes active', async () => {
    const fx = await lab({ topology: twoZones(0, 0) });
    const z1 = fx.cluster.nodes.filter((n) => n.zone === 'z1').map((n) => n.name);
    // Make a z1 node the active one, so the zone's loss is a failover.
    if (!z1.includes(inState(fx.cluster, 'active')[0]!)) {
      zoneDown(fx.cluster, 'z2', 'down');
      await expect.poll(() => z1.includes(inState(fx.cluster, 'active')[0] ?? ''), { timeout: 20_000 }).toBe(true);
      fx.cluster.healAll();
    }
    zoneDown(fx.cluster, 'z1', 'down');
    await expect.poll(() => fx.cluster.active()?.zone, { timeout: 20_000 }).toBe('z2');
    for (const name of z1) {
      expect(fx.cluster.get(name).storage.partitioned).toBe(true);
      expect(fx.cluster.network!.clientLink(name)!.faults.partition).toBe(true);
    }
    expect(fx.cluster.timeline.events.some((e) => e.detail === 'zone z1 down: node1, node3 cut off')).toBe(true);
  }, 60_000);

  it('refuses bad link faults with a clear error and changes nothing', async () => {
    const fx = await lab({ topology: twoZones(0, 0) });
    expect(() => faultLink(fx.cluster, 'node1', 'node9', ['partition'])).toThrow('unknown link end "node9"');
    expect(() => faultLink(fx.cluster, 'node1', 'node2', ['slow'])).toThrow('unknown link fault "slow"');
    expect(() => faultLink(fx.cluster, 'node1', 'storage', ['reset'])).toThrow('a link to storage takes latency, jitter and partition');
    expect(() => faultLink(fx.cluster, 'client', 'storage', ['partition'])).toThrow('one end must be a node');
    expect(() => zoneDown(fx.cluster, 'z9', 'down')).toThrow('unknown zone "z9"');
    expect(fx.cluster.network!.links().every((l) => Object.keys(l.faults).length === 0)).toBe(true);
    expect(fx.cluster.timeline.events.filter((e) => e.type === 'fault')).toEqual([]);
    const plain = await lab({});
    expect(() => faultLink(plain.cluster, 'node1', 'node2', ['partition'])).toThrow('this lab has no topology');
  });
});
