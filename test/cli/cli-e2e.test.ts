/** The `vaultlab` command end to end against real nodes: exit codes, tables, fields, the lab verbs. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/lab/index.ts';
import { runCli, startCli } from '../helpers/run-cli.ts';
import { randomPortBase } from '../helpers/random-port-base.ts';

/** The lab's nodes that `status --all` shows as active. */
async function activeNodes(cwd: string): Promise<string[]> {
  const r = await runCli(['status', '--all', '-format=json'], {}, cwd);
  if (r.code !== 0) return [];
  return (JSON.parse(r.stdout).nodes as Array<{ name: string; ha_mode: string }>).filter((n) => n.ha_mode === 'active').map((n) => n.name);
}

let dev: DevServer;
let env: Record<string, string>;

beforeAll(async () => {
  dev = await startDevServer({ listenAddress: '127.0.0.1:0', rootTokenId: 'root' });
  env = { VAULT_ADDR: dev.apiAddr, VAULT_TOKEN: 'root' };
});
afterAll(() => dev.close());

describe('vault-compatible verbs against a dev server', () => {
  it('status prints the table and exits 0 when unsealed', async () => {
    const r = await runCli(['status'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Key\s+Value\n---\s+-----\nSeal Type\s+shamir\nInitialized\s+true\nSealed\s+false/);
    expect(r.stdout).toMatch(/Storage Type\s+inmem/);
  });

  it('kv put then kv get -field prints the raw value with no newline when piped; flags after arguments work', async () => {
    const put = await runCli(['kv', 'put', '-mount=secret', 'hello', 'foo=world'], env);
    expect(put.code).toBe(0);
    expect(put.stdout).toContain('== Secret Path ==\nsecret/data/hello');
    const get = await runCli(['kv', 'get', '-mount=secret', 'hello', '-field=foo'], env);
    expect(get).toMatchObject({ code: 0, stdout: 'world' });
    const json = await runCli(['kv', 'get', '-format=json', 'secret/hello'], env);
    expect(JSON.parse(json.stdout).data.data).toEqual({ foo: 'world' });
    // Vault's YAML is its JSON with sorted keys; VAULT_FORMAT=yml is the same.
    const yaml = await runCli(['kv', 'get', 'secret/hello'], { ...env, VAULT_FORMAT: 'yml' });
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/(^|\n)data:\n  data:\n    foo: world\n  metadata:\n    created_time: /);
    expect(yaml.stdout).toMatch(/\nmount_type: kv\n/);
    const missing = await runCli(['kv', 'get', 'secret/nothing'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No value found at secret/data/nothing');
  });

  it('exits 1 on a bad flag value and 127 on an unknown command, 2 on a server error', async () => {
    expect((await runCli(['status', '-format=xml'], env)).code).toBe(1);
    const unknown = await runCli(['frobnicate'], env);
    expect(unknown.code).toBe(127);
    expect(unknown.stderr).toContain('Unknown command: frobnicate');
    const denied = await runCli(['kv', 'get', 'secret/hello'], { ...env, VAULT_TOKEN: 'hvs.wrongwrongwrongwrongwron' });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain('Code: 403');
  });

  it('operator seal, then status exits 2', async () => {
    expect((await runCli(['operator', 'seal'], env)).stdout).toContain('Success! Vault is sealed.');
    const r = await runCli(['status'], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Unseal Progress\s+0\/1/);
    const un = await runCli(['operator', 'unseal', dev.unsealKey], env);
    expect(un.code).toBe(0);
    expect((await runCli(['status'], env)).code).toBe(0);
  });
});

describe('a lab from the command line', () => {
  it('up prints the banner; status --all shows one active and two standbys; step-down and down work', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'vaultlab-cli-'));
    const base = randomPortBase(100);
    const lab = startCli(['up', '--storage', 'memory', '--base-port', String(base)], /Ctrl-C stops the lab/, {}, cwd);
    try {
      const banner = await lab.up;
      expect(banner).toContain(`node1  http://127.0.0.1:${base}`);
      expect(banner).toMatch(/export VAULT_TOKEN='hvs\./);
      const all = await runCli(['status', '--all'], {}, cwd);
      expect(all.code).toBe(0);
      const modes = all.stdout
        .split('\n')
        .filter((l) => l.startsWith('node'))
        .map((l) => l.split(/\s{4,}/)[5]);
      expect(modes.sort()).toEqual(['active', 'standby', 'standby']);
      const env2 = { VAULT_ADDR: `http://127.0.0.1:${base + 10}` };
      expect((await runCli(['kv', 'put', 'secret/x', 'a=1'], env2, cwd)).code).toBe(0);
      expect((await runCli(['step-down'], {}, cwd)).stdout).toMatch(/stepped down/);
      expect((await runCli(['kv', 'get', '-field=a', 'secret/x'], env2, cwd)).stdout).toBe('1');
      expect((await runCli(['fault', 'node2', 'partition-storage'], {}, cwd)).stdout).toContain('Success! partition-storage on node2');
      expect((await runCli(['fault', 'storage', 'slow-storage', '--duration', '300'], {}, cwd)).code).toBe(0);
      expect((await runCli(['fault', 'node1', 'bogus'], {}, cwd)).code).toBe(1);
      expect((await runCli(['heal'], {}, cwd)).code).toBe(0);
      // The partition may have cost the active its lock: as a user would, wait for the lab to show an active again.
      await expect.poll(async () => activeNodes(cwd), { timeout: 30_000, interval: 200 }).toHaveLength(1);
      const after = await runCli(['kv', 'get', '-field=a', 'secret/x'], env2, cwd);
      expect(after.stdout, after.stderr).toBe('1');
      expect((await runCli(['down'], {}, cwd)).code).toBe(0);
      expect(await lab.exited).toBe(0);
    } finally {
      lab.child.kill();
      await rm(cwd, { recursive: true, force: true });
    }
  }, 120_000); // a dozen CLI processes, each a Node start-up: generous for a loaded 2-core runner
});

describe('issue 3 verbs against a dev server', () => {
  it("enables an engine, writes and reads through kv verbs, manages a policy and a token, and logs in to vaultlab's own token file", async () => {
    const home = await mkdtemp(join(tmpdir(), 'vaultlab-home-'));
    const e = { ...env, VAULTLAB_HOME: home };
    try {
      expect((await runCli(['secrets', 'enable', '-version=2', '-path=app', 'kv'], e)).stdout).toBe(
        'Success! Enabled the kv secrets engine at: app/\n',
      );
      expect((await runCli(['secrets', 'list'], e)).stdout).toMatch(/^app\/\s+kv\s+kv_\w+/m);
      await runCli(['kv', 'put', 'app/x', 'a=1'], e);
      expect((await runCli(['kv', 'patch', 'app/x', 'b=2'], e)).code).toBe(0);
      expect(JSON.parse((await runCli(['kv', 'get', '-format=json', 'app/x'], e)).stdout).data.data).toEqual({ a: '1', b: '2' });
      expect((await runCli(['kv', 'delete', 'app/x'], e)).stdout).toContain('Success! Data deleted (if it existed) at: app/data/x');
      // A deleted version prints its metadata and no data, exit 0, as vault kv get does (test/cli/vault-output.test.ts).
      const deleted = await runCli(['kv', 'get', 'app/x'], e);
      expect(deleted.code).toBe(0);
      expect(deleted.stdout).toMatch(/\ndeletion_time      \d{4}-/);
      expect(deleted.stdout).not.toContain('Data');
      expect((await runCli(['kv', 'undelete', '-versions=2', 'app/x'], e)).code).toBe(0);
      expect((await runCli(['kv', 'get', '-field=b', 'app/x'], e)).stdout).toBe('2');
      expect((await runCli(['kv', 'list', 'app'], e)).stdout).toBe('Keys\n----\nx\n');
      expect((await runCli(['kv', 'metadata', 'get', 'app/x'], e)).stdout).toContain('====== Version 2 ======');
      const pol = join(home, 'reader.hcl');
      await (await import('node:fs/promises')).writeFile(pol, 'path "app/data/*" { capabilities = ["read"] }\n');
      expect((await runCli(['policy', 'write', 'reader', pol], e)).stdout).toBe('Success! Uploaded policy: reader\n');
      expect((await runCli(['policy', 'list'], e)).stdout).toBe('default\nreader\nroot\n');
      const token = JSON.parse((await runCli(['token', 'create', '-policy=reader', '-format=json'], e)).stdout).auth.client_token;
      const login = await runCli(['login', token], { ...e, VAULT_TOKEN: '' });
      expect(login.stdout).toContain('Success! You are now authenticated.');
      const asReader = { ...e, VAULT_TOKEN: '' };
      expect((await runCli(['kv', 'get', '-field=a', 'app/x'], asReader)).stdout).toBe('1');
      expect((await runCli(['kv', 'put', 'app/x', 'a=9'], asReader)).code).toBe(2);
      expect((await runCli(['token', 'revoke', token], e)).stdout).toBe('Success! Revoked token (if it existed)\n');
      expect((await runCli(['kv', 'get', 'app/x'], asReader)).code).toBe(2);
      expect((await runCli(['write', 'secret/data/raw', 'data=@' + pol], e)).code).toBe(2);
      expect((await runCli(['read', '-field=type', 'sys/mounts/app'], e)).stdout).toBe('kv');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 120_000); // about 30 CLI processes, each a Node start-up: generous for a loaded 2-core runner
});

describe('vaultlab drill', () => {
  it('lists the scenarios, passes a fenced drill and reports the unfenced split brain', async () => {
    const list = await runCli(['drill', '--list']);
    expect(list.stdout.trim().split('\n')).toHaveLength(18);
    const ok = await runCli(['drill', 'seal-active', '--seed', '2']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^seal-active \(seed 2\): no violations/);
    const split = await runCli(['drill', 'zombie-leader-unfenced']);
    expect(split.code).toBe(0); // the violation is what this scenario expects
    expect(split.stdout).toMatch(/EXPECTED: split brain found \(C2\) — this is the lesson/);
    expect((await runCli(['drill', 'nope'])).code).toBe(1);
  });

  it('exits 2 on a random drill that finds a violation, printing the smallest drill that still fails and its witness', async () => {
    // Seed 1 without fencing: a paused active's held write lands after a newer term (C2).
    const r = await runCli(['drill', '--random', '1', '--seed', '1', '--unfenced']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/^random drill \(seed 1\): VIOLATION C2/);
    const shrunk = JSON.parse(/smallest drill that still fails \(\d+ drills tried\): (.*)/.exec(r.stdout)![1]);
    expect(shrunk.faults.length).toBeGreaterThanOrEqual(1);
    expect(shrunk.fencing).toBe(false);
    expect(r.stdout).toMatch(/^ +\d+\.\d\d s {2}storage accepted node\d's term-\d+ write to secret\/k\d/m);
    expect(r.stdout).toMatch(/1 random drills from seed 1: 1 with violations/);
    expect((await runCli(['drill', '--random', 'x'])).code).toBe(1);
  });
});
