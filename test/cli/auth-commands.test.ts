/** `vaultlab auth enable|list|disable` and `vaultlab login -method=userpass|approle` against a dev server, in the vault CLI's words. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/lab/index.ts';
import { runCli } from '../helpers/run-cli.ts';

let dev: DevServer;
let env: Record<string, string>;
let home: string;

/** A request to the dev server as root. */
async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${dev.apiAddr}/v1/${path}`, {
    method,
    headers: { 'x-vault-token': 'root' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

beforeAll(async () => {
  dev = await startDevServer({ listenAddress: '127.0.0.1:0', rootTokenId: 'root' });
  home = await mkdtemp(join(tmpdir(), 'vaultlab-auth-cli-'));
  env = { VAULT_ADDR: dev.apiAddr, VAULT_TOKEN: 'root', VAULTLAB_HOME: home };
});
afterAll(async () => {
  await dev.close();
  await rm(home, { recursive: true, force: true });
});

describe('auth enable, list, disable', () => {
  it('enables userpass at its own path and approle at -path', async () => {
    expect(await runCli(['auth', 'enable', 'userpass'], env)).toEqual({
      code: 0,
      stdout: 'Success! Enabled userpass auth method at: userpass/\n',
      stderr: '',
    });
    expect((await runCli(['auth', 'enable', '-path=robots', '-description=machines', 'approle'], env)).stdout).toBe(
      'Success! Enabled approle auth method at: robots/\n',
    );
  });

  it('lists the methods as vault auth list does', async () => {
    const r = await runCli(['auth', 'list'], env);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split(/\s{2,}/));
    expect(lines[0]).toEqual(['Path', 'Type', 'Accessor', 'Description', 'Version']);
    expect(lines.slice(2).map((l) => [l[0], l[1], l[3], l[4]])).toEqual([
      ['robots/', 'approle', 'machines', 'n/a'],
      ['token/', 'token', 'token based credentials', 'n/a'],
      ['userpass/', 'userpass', 'n/a', 'n/a'],
    ]);
    expect(lines[2][2]).toMatch(/^auth_approle_[0-9a-f]{8}$/);
  });

  it("reports Vault's error for a taken path with exit code 2", async () => {
    const r = await runCli(['auth', 'enable', 'userpass'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Code: 409. Errors:\n\n* path is already in use at userpass/');
  });
});

describe('login with a method', () => {
  it('logs in with userpass, prints the token table and stores the token', async () => {
    await api('POST', 'auth/userpass/users/alice', { password: 's3cret', token_policies: 'default' });
    const r = await runCli(['login', '-method=userpass', 'username=alice', 'password=s3cret'], { ...env, VAULT_TOKEN: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Success! You are now authenticated\. The token information displayed below\n/);
    const rows = r.stdout
      .split('\n\n')[1]!
      .trimEnd()
      .split('\n')
      .slice(2)
      .map((l) => l.split(/\s{2,}/));
    expect(rows.map((x) => x[0])).toEqual([
      'token',
      'token_accessor',
      'token_duration',
      'token_renewable',
      'token_policies',
      'identity_policies',
      'policies',
      'token_meta_username',
    ]);
    expect(rows.slice(2).map((x) => x[1])).toEqual(['768h', 'true', '["default"]', '[]', '["default"]', 'alice']);
    expect((await readFile(join(home, 'token'), 'utf8')).trim()).toBe(rows[0]![1]);
  });

  it('refuses a wrong password with exit code 2 and keeps the stored token', async () => {
    const before = await readFile(join(home, 'token'), 'utf8');
    const r = await runCli(['login', '-method=userpass', 'username=alice', 'password=nope'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Code: 400. Errors:\n\n* invalid username or password');
    expect(await readFile(join(home, 'token'), 'utf8')).toBe(before);
  });

  it('logs in with approle at a custom path', async () => {
    await api('POST', 'auth/robots/role/ci', { token_policies: 'default' });
    const roleId = (await api('GET', 'auth/robots/role/ci/role-id')).data.role_id;
    const secretId = (await api('POST', 'auth/robots/role/ci/secret-id', {})).data.secret_id;
    const r = await runCli(['login', '-method=approle', '-path=robots', `role_id=${roleId}`, `secret_id=${secretId}`], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\ntoken_meta_role_name\s+ci\n/);
  });

  it('disables a method', async () => {
    expect((await runCli(['auth', 'disable', 'robots'], env)).stdout).toBe(
      'Success! Disabled the auth method (if it existed) at: robots/\n',
    );
    expect(Object.keys((await api('GET', 'sys/auth')).data)).toEqual(['token/', 'userpass/']);
  });
});
