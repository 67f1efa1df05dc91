/** EtcdCluster against Debian's real etcd: start, leader failover, quorum loss, pause, clean close, and finding the binary. */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ETCD_INSTALL, EtcdCluster, etcdBinary, type EtcdClusterOptions } from '../../src/lab/etcd/index.ts';

const POLL = { timeout: 30_000, interval: 100 };
const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Runs a test against a fresh cluster in its own temporary folder, and always cleans both up. */
async function withCluster(o: Omit<EtcdClusterOptions, 'dir'>, test: (cluster: EtcdCluster) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vaultlab-etcd-'));
  let cluster: EtcdCluster | undefined;
  try {
    cluster = await EtcdCluster.start({ ...o, dir });
    await test(cluster);
  } finally {
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A put through etcd's grpc-gateway: 'ok' on a 200 with no error, else 'failed' (a timeout included). */
async function put(clientUrl: string, key: string, value: string, timeoutMs = 5000): Promise<'ok' | 'failed'> {
  try {
    const res = await fetch(`${clientUrl}/v3/kv/put`, {
      method: 'POST',
      body: JSON.stringify({ key: b64(key), value: b64(value) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json()) as { error?: string };
    return res.ok && body.error === undefined ? 'ok' : 'failed';
  } catch {
    return 'failed';
  }
}

/** A (linearizable) read of one key through the gateway. */
async function get(clientUrl: string, key: string): Promise<string | undefined> {
  const res = await fetch(`${clientUrl}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: b64(key) }) });
  const body = (await res.json()) as { kvs?: Array<{ value?: string }> };
  const value = body.kvs?.[0]?.value;
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString();
}

/** What a member's /health says, or 'no answer'. */
async function healthBody(clientUrl: string): Promise<string> {
  try {
    const res = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
    return ((await res.json()) as { health?: string }).health ?? 'no health field';
  } catch {
    return 'no answer';
  }
}

const url = (cluster: EtcdCluster, name: string): string => cluster.members.find((m) => m.name === name)!.clientUrl;
const healthyOf = async (cluster: EtcdCluster, name: string): Promise<boolean | undefined> =>
  (await cluster.health()).find((h) => h.name === name)?.healthy;

describe('EtcdCluster', () => {
  it('starts 3 healthy members with one leader, and a write on one is read on another', { timeout: 60_000 }, async () => {
    await withCluster({ members: 3 }, async (cluster) => {
      expect(cluster.members.map((m) => [m.name, m.state])).toEqual([
        ['etcd1', 'running'],
        ['etcd2', 'running'],
        ['etcd3', 'running'],
      ]);
      expect(cluster.endpoints()).toEqual(cluster.members.map((m) => m.clientUrl));
      await expect.poll(async () => (await cluster.health()).filter((h) => h.healthy).length, POLL).toBe(3);
      await expect.poll(async () => (await cluster.health()).filter((h) => h.leader).length, POLL).toBe(1);
      expect(await put(url(cluster, 'etcd1'), 'vault/core/seal', 'shamir')).toBe('ok');
      expect(await get(url(cluster, 'etcd3'), 'vault/core/seal')).toBe('shamir');
    });
  });

  it('elects a new leader when the leader is killed, and its restart brings it back', { timeout: 60_000 }, async () => {
    await withCluster({ members: 3 }, async (cluster) => {
      await expect.poll(() => cluster.leader(), POLL).toBeDefined();
      const old = (await cluster.leader())!;
      await cluster.kill(old);
      expect(cluster.members.find((m) => m.name === old)).toMatchObject({ state: 'stopped', pid: undefined });
      const others = cluster.members.map((m) => m.name).filter((n) => n !== old);
      await expect.poll(() => cluster.leader(), POLL).toBeOneOf(others);
      expect(await put(url(cluster, others[0]), 'after-failover', 'yes')).toBe('ok');
      await cluster.restart(old);
      await expect.poll(() => healthyOf(cluster, old), POLL).toBe(true);
      expect(await get(url(cluster, old), 'after-failover')).toBe('yes');
    });
  });

  it('without quorum the last member is unhealthy and refuses writes; restarting one restores it', { timeout: 60_000 }, async () => {
    await withCluster({ members: 3 }, async (cluster) => {
      await cluster.stop('etcd2');
      await cluster.stop('etcd3');
      await expect.poll(() => healthBody(url(cluster, 'etcd1')), POLL).toBe('false');
      expect(await put(url(cluster, 'etcd1'), 'no-quorum', 'lost', 2000)).toBe('failed');
      expect(await cluster.leader()).toBeUndefined();
      await cluster.restart('etcd2');
      await expect.poll(() => healthBody(url(cluster, 'etcd1')), POLL).toBe('true');
      await expect.poll(() => healthyOf(cluster, 'etcd2'), POLL).toBe(true);
    });
  });

  it('shows a paused member as paused, and healthy again once resumed', { timeout: 60_000 }, async () => {
    await withCluster({ members: 3 }, async (cluster) => {
      cluster.pause('etcd2');
      expect(cluster.members[1].state).toBe('paused');
      expect(await healthyOf(cluster, 'etcd2')).toBe(false);
      cluster.resume('etcd2');
      expect(cluster.members[1].state).toBe('running');
      await expect.poll(() => healthyOf(cluster, 'etcd2'), POLL).toBe(true);
    });
  });

  it('starts a 1-member cluster, and close() leaves no process behind', { timeout: 60_000 }, async () => {
    await withCluster({ members: 1 }, async (cluster) => {
      const pid = cluster.members[0].pid!;
      expect(pid).toBeGreaterThan(0);
      await cluster.close();
      await cluster.close();
      expect(cluster.members[0].state).toBe('stopped');
      expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    });
  });

  it('fails at once, with the log, when a member cannot start', { timeout: 60_000 }, async () => {
    const taken = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const clientPort = (taken.address() as net.AddressInfo).port;
    const spare = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => spare.once('listening', r));
    const peerPort = (spare.address() as net.AddressInfo).port;
    await new Promise((r) => spare.close(r));
    const dir = mkdtempSync(join(tmpdir(), 'vaultlab-etcd-'));
    try {
      const started = Date.now();
      const start = EtcdCluster.start({ members: 1, dir, ports: [clientPort, peerPort] });
      await expect(start).rejects.toThrow(/etcd member etcd1 exited \(code \d+\) before it was healthy.*\n(.|\n)*address already in use/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      taken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('etcdBinary', () => {
  it('takes VAULTLAB_ETCD when it exists, and names it when it does not', () => {
    expect(etcdBinary({ VAULTLAB_ETCD: '/opt/etcd/etcd' }, (p) => p === '/opt/etcd/etcd')).toBe('/opt/etcd/etcd');
    expect(() => etcdBinary({ VAULTLAB_ETCD: '/nowhere/etcd' }, (p) => p !== '/nowhere/etcd')).toThrow('/nowhere/etcd');
  });

  it("prefers Debian's /usr/bin/etcd, then PATH, else says how to install etcd", () => {
    expect(etcdBinary({ PATH: '/opt/bin' }, () => true)).toBe('/usr/bin/etcd');
    expect(etcdBinary({ PATH: '/opt/a:/opt/b' }, (p) => p === '/opt/b/etcd')).toBe('/opt/b/etcd');
    expect(() => etcdBinary({ PATH: '/usr/local/bin:/bin' }, () => false)).toThrow(ETCD_INSTALL);
    expect(() => etcdBinary({}, () => false)).toThrow(ETCD_INSTALL);
  });
});
