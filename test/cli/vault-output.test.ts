/**
 * What the client verbs print against a real `vaultlab server -dev` process, line for line as
 * the vault CLI prints it: the dev server authenticating the CLI, `read` of sys endpoints that
 * answer without a data wrapper, and `kv get` of a deleted or destroyed version.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/run-cli.ts';

let home: string;
let dev: ReturnType<typeof startCli>;
let banner: string;
let addr: string;
let rootToken: string;
/** No VAULT_TOKEN: the CLI must find the token the dev server stored. */
let env: Record<string, string>;
/** With VAULT_TOKEN, so the output tests do not depend on the stored token. */
let authed: Record<string, string>;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'vaultlab-output-'));
  const base = { VAULTLAB_HOME: home, VAULT_TOKEN: '' };
  dev = startCli(['server', '-dev', '-dev-listen-address=127.0.0.1:0'], /Development mode should NOT be used/, base);
  banner = await dev.up;
  addr = /Api Address: (\S+)/.exec(banner)![1];
  rootToken = /Root Token: (\S+)/.exec(banner)![1];
  env = { ...base, VAULT_ADDR: addr };
  authed = { ...env, VAULT_TOKEN: rootToken };
}, 60_000);

afterAll(async () => {
  if (dev.child.exitCode === null) dev.child.kill('SIGTERM');
  await dev.exited;
  await rm(home, { recursive: true, force: true });
});

describe('server -dev authenticates the CLI', () => {
  it('prints the export lines and stores the root token (0600) where the CLI reads it', async () => {
    expect(banner).toContain(
      `You may need to set the following environment variables:\n\n    $ export VAULT_ADDR='${addr}'\n    $ export VAULT_TOKEN='${rootToken}'\n`,
    );
    expect(banner).toContain('The root token is already\nauthenticated to the CLI, so you can immediately begin using Vault.');
    const file = join(home, 'token');
    expect(readFileSync(file, 'utf8')).toBe(rootToken);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a command without VAULT_TOKEN succeeds', async () => {
    const put = await runCli(['kv', 'put', 'secret/first', 'hello=world'], env);
    expect(put).toMatchObject({ code: 0, stderr: '' });
    const list = await runCli(['secrets', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/\nsecret\/\s+kv\s+/);
  }, 120_000);
});

describe('read of sys endpoints without a data wrapper', () => {
  it('read sys/leader prints every top-level field as a row, keys sorted', async () => {
    const r = await runCli(['read', 'sys/leader'], authed);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Key                                    Value',
        '---                                    -----',
        'active_time                            0001-01-01T00:00:00Z',
        'ha_enabled                             false',
        'is_self                                false',
        'leader_address                         n/a',
        'leader_cluster_address                 n/a',
        'performance_standby                    false',
        'performance_standby_last_remote_wal    0',
        '',
      ].join('\n'),
    );
  }, 120_000);

  it('read sys/seal-status prints its rows; -field picks one; JSON wraps the fields in data as the Go client does', async () => {
    const r = await runCli(['read', 'sys/seal-status'], authed);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['Key              Value', '---              -----']);
    expect(lines.map((l) => l.split(/\s+/)[0]).slice(2)).toEqual([...lines.map((l) => l.split(/\s+/)[0]).slice(2)].sort());
    for (const row of [
      'initialized      true',
      'n                1',
      'sealed           false',
      't                1',
      'type             shamir',
    ])
      expect(lines).toContain(row);
    expect(lines).toContain('storage_type     inmem');
    expect((await runCli(['read', '-field=sealed', 'sys/seal-status'], authed)).stdout).toBe('false');
    const json = JSON.parse((await runCli(['read', '-format=json', 'sys/leader'], authed)).stdout);
    expect(json).toMatchObject({ request_id: '', lease_id: '', lease_duration: 0, renewable: false, warnings: null });
    expect(json.data).toMatchObject({ ha_enabled: false, is_self: false, leader_address: '' });
  }, 120_000);
});

describe('token create', () => {
  it('prints the auth block as vault token create does: a human TTL and quoted policy lists', async () => {
    const r = await runCli(['token', 'create', '-policy=default'], authed);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').slice(2);
    expect(rows.map((l) => l.split(/\s{2,}/)[0])).toEqual([
      'token',
      'token_accessor',
      'token_duration',
      'token_renewable',
      'token_policies',
      'identity_policies',
      'policies',
    ]);
    expect(rows.slice(2)).toEqual([
      'token_duration       768h',
      'token_renewable      true',
      'token_policies       ["default"]',
      'identity_policies    []',
      'policies             ["default"]',
    ]);
  }, 60_000);

  it('-type=batch prints an hvb. token with no accessor (n/a, as columnize shows an empty cell) and not renewable', async () => {
    const r = await runCli(['token', 'create', '-type=batch', '-policy=default', '-ttl=1h'], authed);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').slice(2);
    expect(rows[0]).toMatch(/^token {16}hvb\.[A-Za-z0-9_-]+$/);
    expect(rows.slice(1)).toEqual([
      'token_accessor       n/a',
      'token_duration       1h',
      'token_renewable      false',
      'token_policies       ["default"]',
      'identity_policies    []',
      'policies             ["default"]',
    ]);
    const json = await runCli(['token', 'create', '-type=batch', '-policy=default', '-format=json'], authed);
    expect(JSON.parse(json.stdout).auth).toMatchObject({ accessor: '', renewable: false, token_type: 'batch', orphan: false });
  }, 60_000);
});

describe('kv get of a deleted or destroyed version', () => {
  /** The version's metadata, as the server answers it. */
  async function metadataOf(path: string): Promise<{ created_time: string; deletion_time: string }> {
    return JSON.parse((await runCli(['kv', 'get', '-format=json', path], authed)).stdout).data.metadata;
  }

  it('prints the path and the metadata with deletion_time, no Data section, exit 0; -field exits 2', async () => {
    expect((await runCli(['kv', 'put', 'secret/deleted-one', 'foo=bar'], authed)).code).toBe(0);
    expect((await runCli(['kv', 'delete', 'secret/deleted-one'], authed)).code).toBe(0);
    const m = await metadataOf('secret/deleted-one');
    expect(m.deletion_time).not.toBe('');
    const table = (destroyed: boolean) =>
      [
        '===== Secret Path =====',
        'secret/data/deleted-one',
        '',
        '======= Metadata =======',
        'Key                Value',
        '---                -----',
        `created_time       ${m.created_time}`,
        'custom_metadata    <nil>',
        `deletion_time      ${m.deletion_time}`,
        `destroyed          ${destroyed}`,
        'version            1',
        '',
        '',
      ].join('\n');
    expect(await runCli(['kv', 'get', 'secret/deleted-one'], authed)).toEqual({ code: 0, stdout: table(false), stderr: '' });
    const field = await runCli(['kv', 'get', '-field=foo', 'secret/deleted-one'], authed);
    expect(field).toEqual({ code: 2, stdout: '', stderr: 'No data found at secret/data/deleted-one\n' });
    expect((await runCli(['kv', 'destroy', '-versions=1', 'secret/deleted-one'], authed)).code).toBe(0);
    expect(await runCli(['kv', 'get', 'secret/deleted-one'], authed)).toEqual({ code: 0, stdout: table(true), stderr: '' });
    const meta = await runCli(['kv', 'metadata', 'get', 'secret/deleted-one'], authed);
    expect(meta.stdout.startsWith('====== Metadata Path ======\nsecret/metadata/deleted-one\n\n========== Metadata ==========\n')).toBe(
      true,
    );
  }, 120_000);

  it('a live version prints the Data section under a banner as wide as its longest key; a missing key still exits 2', async () => {
    const put = await runCli(['kv', 'put', '-mount=secret', 'creds', 'foo=bar'], authed);
    expect(put.stdout.startsWith('== Secret Path ==\nsecret/data/creds\n\n======= Metadata =======\n')).toBe(true);
    const get = await runCli(['kv', 'get', '-mount=secret', 'creds'], authed);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/\nversion            1\n\n=== Data ===\nKey    Value\n---    -----\nfoo    bar\n$/);
    const missing = await runCli(['kv', 'get', 'secret/never-written'], authed);
    expect(missing).toEqual({ code: 2, stdout: '', stderr: 'No value found at secret/data/never-written\n' });
  }, 120_000);
});

describe('kv patch', () => {
  it("prints the path and the new version's metadata, as kv put does", async () => {
    expect((await runCli(['kv', 'put', 'secret/patched', 'a=1', 'b=2'], authed)).code).toBe(0);
    const patch = await runCli(['kv', 'patch', 'secret/patched', 'a=3'], authed);
    expect(patch.code).toBe(0);
    expect(patch.stdout).toMatch(/^=+ Secret Path =+\nsecret\/data\/patched\n\n=+ Metadata =+\nKey +Value\n/);
    expect(patch.stdout).toMatch(/\nversion +2\n$/);
    expect((await runCli(['kv', 'get', '-field=b', 'secret/patched'], authed)).stdout).toBe('2');
  }, 120_000);

  it('an invalid -format is refused before anything is written, as Vault checks it before running a command', async () => {
    expect((await runCli(['kv', 'put', 'secret/format-checked', 'a=1'], authed)).code).toBe(0);
    const patch = await runCli(['kv', 'patch', '-format=bogus', 'secret/format-checked', 'a=2'], authed);
    expect(patch.code).toBe(1);
    expect(patch.stderr).toContain('Invalid output format: bogus');
    expect((await runCli(['kv', 'get', '-field=a', 'secret/format-checked'], authed)).stdout).toBe('1');
  }, 120_000);
});

describe('read and list of a path with nothing there', () => {
  it('print "No value found" and exit 2; an invalid -format is refused first, exit 1', async () => {
    expect(await runCli(['read', 'secret/data/nothing-here'], authed)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'No value found at secret/data/nothing-here\n',
    });
    expect(await runCli(['list', 'secret/metadata/nothing-here'], authed)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'No value found at secret/metadata/nothing-here\n',
    });
    const badFormat = await runCli(['list', '-format=bogus', 'secret/metadata/nothing-here'], authed);
    expect(badFormat.code).toBe(1);
    expect(badFormat.stderr).toContain('Invalid output format: bogus');
  }, 120_000);
});

describe('server -dev on exit', () => {
  it('removes the token it stored', async () => {
    expect(readFileSync(join(home, 'token'), 'utf8')).toBe(rootToken);
    dev.child.kill('SIGTERM');
    expect(await dev.exited).toBe(0);
    expect(existsSync(join(home, 'token'))).toBe(false);
  }, 60_000);
});
