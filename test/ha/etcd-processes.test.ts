/**
 * Vault nodes as separate processes on a real etcd: three `vaultlab server -config` processes
 * with `storage "etcd"` and ha_enabled form one cluster. One is active, the standbys forward to
 * it over its cluster port, a SIGKILL of the active hands the lock to a standby within the
 * lease, and a SIGSTOP longer than the lease does too; the stopped process, woken, finds itself
 * a standby. Every acknowledged write is read back at the end, and etcd holds none in plaintext.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerConfig } from '../../src/cli/server-config.ts';
import { startServer as startInProcess } from '../../src/lab/index.ts';
import { useEtcd } from '../helpers/etcd-fixture.ts';
import { startCli } from '../helpers/run-cli.ts';
import { VaultHttp } from '../helpers/vault-http.ts';

const etcd = useEtcd();
const EVENTUALLY = { timeout: 60_000, interval: 100 };

interface ServerProcess {
  pid: number;
  addr: string;
  stop(): void;
}

let dir = '';
const servers: ServerProcess[] = [];
const http = new VaultHttp();

async function startServer(i: number, prefix: string): Promise<ServerProcess> {
  const config = join(dir, `node${i}.hcl`);
  const endpoints = etcd.endpoints().join(',');
  writeFileSync(
    config,
    `storage "etcd" {\n  address = "${endpoints}"\n  path = "${prefix}"\n  ha_enabled = "true"\n  lock_timeout = "1s"\n}\n` +
      `listener "tcp" {\n  address = "127.0.0.1:0"\n  tls_disable = true\n}\n`,
  );
  const s = startCli(
    ['server', `-config=${config}`, '-timings=lab'],
    /server started \(uninitialized or sealed\) at http:\/\/127\.0\.0\.1:\d+/,
  );
  const banner = await s.up;
  const addr = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1];
  return { pid: s.child.pid!, addr, stop: () => s.child.kill('SIGKILL') };
}

/** Which servers say they are active now (a stopped one cannot answer: it is skipped). */
async function actives(among: ServerProcess[]): Promise<string[]> {
  const answers = await Promise.all(
    among.map((s) =>
      http.send(s.addr, 'GET', '/v1/sys/leader').then(
        (r) => (r.body?.is_self ? s.addr : undefined),
        () => undefined,
      ),
    ),
  );
  return answers.filter((a): a is string => a !== undefined);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vaultlab-etcd-servers-'));
}, 60_000);
afterAll(async () => {
  for (const s of servers) {
    try {
      process.kill(s.pid, 'SIGCONT');
    } catch {
      /* already gone */
    }
    s.stop();
  }
  await http.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('server -config on storage "etcd" without ha_enabled', () => {
  it('is a lone node, active once unsealed, its secrets in etcd only as ciphertext', async () => {
    const prefix = etcd.freshPrefix();
    const config = parseServerConfig(
      `storage "etcd" {\n  address = "${etcd.endpoints().join(',')}"\n  path = "${prefix}"\n}\nlistener "tcp" {\n  address = "127.0.0.1:0"\n  tls_disable = true\n}\n`,
    );
    const s = await startInProcess(config);
    try {
      expect(s.storage).toBe(`etcd at ${etcd.endpoints().join(',')} (path ${prefix}, HA off)`);
      const init = await http.must(s.apiAddr, 'PUT', '/v1/sys/init', { secret_shares: 1, secret_threshold: 1 });
      await http.must(s.apiAddr, 'PUT', '/v1/sys/unseal', { key: init.body.keys_base64[0] });
      const lone = new VaultHttp();
      lone.token = init.body.root_token;
      expect((await lone.send(s.apiAddr, 'GET', '/v1/sys/health')).status).toBe(200);
      expect((await lone.must(s.apiAddr, 'GET', '/v1/sys/leader')).body).toMatchObject({ ha_enabled: false });
      await lone.must(s.apiAddr, 'PUT', '/v1/sys/mounts/kv', { type: 'kv', options: { version: '2' } });
      await lone.must(s.apiAddr, 'PUT', '/v1/kv/data/lone', { data: { value: 'lone-planted-value' } });
      expect((await lone.must(s.apiAddr, 'GET', '/v1/kv/data/lone')).body.data.data.value).toBe('lone-planted-value');
      await lone.close();
      const raw = new Etcd3({ hosts: etcd.endpoints() });
      const dump = Object.values(await raw.getAll().prefix(prefix).strings()).join('\n');
      raw.close();
      expect(dump).not.toContain('lone-planted-value');
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe('server -config on storage "etcd": nodes as processes', () => {
  it('forms a cluster, forwards, survives a SIGKILL and a SIGSTOP of the active, and loses no acknowledged write', async () => {
    const prefix = etcd.freshPrefix();
    for (let i = 1; i <= 3; i++) servers.push(await startServer(i, prefix));
    const [first] = servers;
    const init = await http.must(first.addr, 'PUT', '/v1/sys/init', { secret_shares: 5, secret_threshold: 3 });
    http.token = init.body.root_token as string;
    for (const s of servers)
      for (const key of (init.body.keys_base64 as string[]).slice(0, 3)) await http.must(s.addr, 'PUT', '/v1/sys/unseal', { key });
    await expect.poll(() => actives(servers), EVENTUALLY).toHaveLength(1);
    const [activeAddr] = await actives(servers);
    const standbys = servers.filter((s) => s.addr !== activeAddr);
    await http.must(activeAddr, 'PUT', '/v1/sys/mounts/kv', { type: 'kv', options: { version: '2' } });

    const acknowledged = new Map<string, string>();
    const write = async (via: ServerProcess, name: string) => {
      const value = `planted-${name}-${Math.random().toString(36).slice(2)}`;
      await http.must(via.addr, 'PUT', `/v1/kv/data/${name}`, { data: { value } });
      acknowledged.set(name, value);
    };
    // Through a standby: forwarded over the active's cluster port, in another process.
    await write(standbys[0], 'through-standby');
    expect((await http.must(standbys[1].addr, 'GET', '/v1/kv/data/through-standby')).body.data.data.value).toBe(
      acknowledged.get('through-standby'),
    );

    // SIGKILL of the active: a standby takes the lock once etcd expires the dead process's lease.
    const killed = servers.find((s) => s.addr === activeAddr)!;
    process.kill(killed.pid, 'SIGKILL');
    const alive = servers.filter((s) => s !== killed);
    await expect.poll(() => actives(alive), EVENTUALLY).toHaveLength(1);
    const secondAddr = (await actives(alive))[0];
    await write(
      alive.find((s) => s.addr !== secondAddr)!,
      'after-kill',
    );

    // SIGSTOP of the new active, longer than its lease: the last standby takes over.
    const stopped = alive.find((s) => s.addr === secondAddr)!;
    const last = alive.find((s) => s !== stopped)!;
    process.kill(stopped.pid, 'SIGSTOP');
    await expect.poll(() => actives([last]), EVENTUALLY).toEqual([last.addr]);
    await write(last, 'during-stop');
    process.kill(stopped.pid, 'SIGCONT');
    // Woken, the ex-active finds the lock taken: it is a standby and forwards to the new active.
    await expect
      .poll(() => http.send(stopped.addr, 'GET', '/v1/sys/leader').then((r) => r.body), EVENTUALLY)
      .toMatchObject({
        is_self: false,
        leader_address: last.addr,
      });
    await write(stopped, 'after-wake');
    expect(await actives(alive)).toEqual([last.addr]);

    for (const [name, value] of acknowledged) {
      expect((await http.must(last.addr, 'GET', `/v1/kv/data/${name}`)).body.data.data.value).toBe(value);
    }
    // Storage is untrusted: no value, no root token is in etcd in the clear.
    const raw = new Etcd3({ hosts: etcd.endpoints() });
    try {
      const dump = Object.values(await raw.getAll().prefix(prefix).strings()).join('\n');
      expect(dump.length).toBeGreaterThan(0);
      for (const value of acknowledged.values()) expect(dump).not.toContain(value);
      expect(dump).not.toContain(http.token);
    } finally {
      raw.close();
    }
  }, 240_000);
});
