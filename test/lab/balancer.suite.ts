/**
 * The behaviour both balancers keep (src/lab/balancer/balancer.ts), run against each: the
 * built-in one and Debian's HAProxy. Each test starts a 3-node lab on the fast profile (lock
 * TTL 1 s) with a balancer checking every 100 ms, and sends requests through the balancer on
 * a fresh connection each, so each request is one new connection to balance.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { CONNECT_RETRIES, RETRY_TURNAROUND_MS, type BalancerKind, type BalancerServerView } from '../../src/lab/balancer/index.ts';
import type { LabBalancerOptions } from '../../src/lab/lab-balancer.ts';
import { CertificateAuthority, TOPOLOGY_PRESETS, type Topology } from '../../src/net/index.ts';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

/** Checks every 100 ms, HAProxy's fall and rise; a check may take 2 s on a loaded machine before it counts as failed. */
const CHECK = { interMs: 100, fall: 3, rise: 2, timeoutMs: 2000 };

/** Long enough for any settle on a loaded machine. */
const SETTLE_MS = 15_000;

/** Runs the behaviour suite against one kind of balancer. */
export function describeBalancerBehaviour(kind: BalancerKind): void {
  describe(`${kind} balancer`, () => {
    let fx: ClusterFixture | undefined;
    let dir: string | undefined;
    // A fresh connection per request: each is one new connection for the balancer to place.
    const agent = new Agent({ pipelining: 0 });

    afterEach(async () => {
      await fx?.cluster.close();
      fx = undefined;
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });

    async function lab(
      balancer: Omit<LabBalancerOptions, 'kind' | 'check' | 'dir'>,
      more: { tls?: CertificateAuthority; topology?: Topology } = {},
    ) {
      dir = mkdtempSync(join(tmpdir(), 'vaultlab-lb-'));
      let apiTls;
      let caFile: string | undefined;
      if (more.tls) {
        apiTls = await Promise.all([1, 2, 3].map((i) => more.tls!.issue({ commonName: `node${i}` })));
        caFile = join(dir, 'ca.pem');
        writeFileSync(caFile, more.tls.cert);
      }
      fx = await startCluster({ apiTls, topology: more.topology, balancer: { kind, check: CHECK, dir, caFile, ...balancer } });
      return fx;
    }

    const servers = () => fx!.cluster.balancer!.balancer.servers();
    const upNames = async () => (await servers()).filter((s) => s.up).map((s) => s.name);
    const totals = async () => Object.fromEntries((await servers()).map((s) => [s.name, s.sessions.total]));

    /** One request through the balancer on a new connection: its status, or the socket error's code. */
    async function through(method: 'GET' | 'PUT', path: string, body?: unknown, dispatcher = agent): Promise<number | string> {
      try {
        const res = await request(`${fx!.cluster.balancer!.url}${path}`, {
          method,
          headers: { 'x-vault-token': fx!.init.rootToken, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          dispatcher,
          headersTimeout: 10_000,
        });
        await res.body.text();
        return res.statusCode;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code ?? String(e);
      }
    }

    const times = async (n: number, f: () => Promise<number | string>) => {
      const out: (number | string)[] = [];
      for (let i = 0; i < n; i++) out.push(await f());
      return out;
    };

    it('active: once checked, only the active is up, in HAProxy words, and every connection reaches it', async () => {
      const f = await lab({ mode: 'active' });
      const active = f.cluster.active()!.name;
      await expect.poll(upNames, { timeout: SETTLE_MS }).toEqual([active]);
      await expect
        .poll(async () => (await servers()).every((s) => s.status === 'UP' || s.status === 'DOWN'), { timeout: SETTLE_MS })
        .toBe(true);
      const views = Object.fromEntries((await servers()).map((s): [string, Partial<BalancerServerView>] => [s.name, s]));
      for (const name of ['node1', 'node2', 'node3'])
        expect(views[name], name).toMatchObject(
          name === active ? { status: 'UP', lastCheck: 'L7OK 200' } : { status: 'DOWN', lastCheck: 'L7STS 429' },
        );
      const before = await totals();
      expect(await times(9, () => through('GET', '/v1/sys/health'))).toEqual(Array(9).fill(200));
      const after = await totals();
      for (const name of ['node1', 'node2', 'node3']) expect(after[name]! - before[name]!, name).toBe(name === active ? 9 : 0);
    });

    it('standby-ok: every unsealed node is up, connections go round-robin over all three, and writes through standbys land', async () => {
      const f = await lab({ mode: 'standby-ok' });
      await expect.poll(async () => (await servers()).map((s) => s.status), { timeout: SETTLE_MS }).toEqual(['UP', 'UP', 'UP']);
      const before = await totals();
      const statuses = await times(9, () => through('GET', '/v1/sys/health'));
      const after = await totals();
      for (const name of ['node1', 'node2', 'node3']) expect(after[name]! - before[name]!, name).toBe(3);
      // Without standbyok in the request, each node says what it is: the active 200, the standbys 429.
      expect(statuses.filter((s) => s === 200)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(6);
      expect(await times(6, () => through('PUT', '/v1/secret/data/through-lb', { data: { v: 1 } }))).toEqual(Array(6).fill(200));
      const read = await f.http(f.cluster.active()!.name, 'GET', '/v1/secret/data/through-lb');
      expect(read.body.data.metadata.version).toBe(6);
    });

    it('a sealed standby is taken out after its failed checks and gets no connection after that', async () => {
      const f = await lab({ mode: 'standby-ok' });
      await expect.poll(upNames, { timeout: SETTLE_MS }).toEqual(['node1', 'node2', 'node3']);
      const sealed = inState(f.cluster, 'standby')[0]!;
      f.cluster.seal(sealed);
      await expect.poll(upNames, { timeout: SETTLE_MS }).not.toContain(sealed);
      expect((await servers()).find((s) => s.name === sealed)).toMatchObject({ status: 'DOWN', lastCheck: 'L7STS 503' });
      const before = await totals();
      expect(await times(6, () => through('GET', '/v1/sys/health?standbyok=true'))).toEqual(Array(6).fill(200));
      expect((await totals())[sealed]).toBe(before[sealed]);
    });

    it('killing the active: requests through the balancer succeed again within the lease and the checks that notice', async () => {
      const f = await lab({ mode: 'active' });
      const old = f.cluster.active()!.name;
      await expect.poll(upNames, { timeout: SETTLE_MS }).toEqual([old]);
      const killedAt = Date.now();
      await f.cluster.kill(old);
      let status: number | string = 0;
      while (status !== 200) status = await through('PUT', '/v1/secret/data/after-kill', { data: { v: 1 } });
      const windowMs = Date.now() - killedAt;
      const next = f.cluster.active()!.name;
      expect(next).not.toBe(old);
      expect(await upNames()).toEqual([next]);
      expect((await servers()).find((s) => s.name === old)).toMatchObject({ status: 'DOWN', lastCheck: 'L4CON' });
      // The bound: the lease runs out, and the new active passes `rise` checks (the old one's `fall` overlap them); a request
      // caught dialling the dead node meanwhile waits out HAProxy's retries (3, 1 s apart) before its connection is closed.
      // Generous slack for a loaded machine; the lb-failover drill reports the measured window.
      const retries = CONNECT_RETRIES * RETRY_TURNAROUND_MS;
      const bound = f.cluster.timings.lockTtlMs + Math.max(retries, CHECK.interMs * (CHECK.fall + CHECK.rise)) + 5000;
      expect(windowMs).toBeLessThan(bound);
    });

    it('no node passes: a new connection is closed at once and nothing is written', async () => {
      const f = await lab({ mode: 'active' });
      await expect.poll(upNames, { timeout: SETTLE_MS }).toHaveLength(1);
      for (const n of f.cluster.nodes) f.cluster.seal(n.name);
      await expect.poll(upNames, { timeout: SETTLE_MS }).toEqual([]);
      const answer = await through('PUT', '/v1/secret/data/nowhere', { data: { v: 1 } });
      expect(typeof answer, String(answer)).toBe('string');
      await f.cluster.unsealAll(f.init.keys.slice(0, 3));
      await expect.poll(() => f.cluster.active()?.name, { timeout: SETTLE_MS }).toBeDefined();
      expect((await f.http(f.cluster.active()!.name, 'GET', '/v1/secret/data/nowhere')).status).toBe(404);
    });

    it('TLS passes through: checks verify the nodes against the lab CA, and the client verifies the node behind the balancer', async () => {
      const ca = await CertificateAuthority.create('vaultlab balancer test CA');
      const f = await lab({ mode: 'active' }, { tls: ca });
      expect(f.cluster.balancer!.url).toMatch(/^https:/);
      const active = f.cluster.active()!.name;
      await expect.poll(upNames, { timeout: SETTLE_MS }).toEqual([active]);
      const trusting = new Agent({ pipelining: 0, connect: { ca: ca.cert } });
      expect(await through('GET', '/v1/sys/health', undefined, trusting)).toBe(200);
      const stranger = new Agent({ pipelining: 0 });
      expect(await through('GET', '/v1/sys/health', undefined, stranger)).toMatch(/CERT|SELF_SIGNED|UNABLE/);
    });

    it('with a topology, clients reach it over their link: a new connection pays its round trips', async () => {
      // three-zones puts clients 10 ms one-way from every zone: TCP's handshake and the request each cost a round trip.
      const f = await lab({ mode: 'standby-ok' }, { topology: TOPOLOGY_PRESETS['three-zones'] });
      await expect.poll(upNames, { timeout: SETTLE_MS }).toEqual(['node1', 'node2', 'node3']);
      const started = performance.now();
      expect(await through('GET', '/v1/sys/health?standbyok=true')).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(40);
      // The balancer listens behind the link: the address clients use is the link's.
      expect(f.cluster.balancer!.balancer.address.port).not.toBe(Number(new URL(f.cluster.balancer!.url).port));
    });
  });
}
