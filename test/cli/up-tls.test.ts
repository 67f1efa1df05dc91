/**
 * `vaultlab up --tls` end to end: the banner and `vaultlab env` give the lab CA as VAULT_CACERT
 * beside an https VAULT_ADDR; the CA and node certificates are in the lab's tls/ folder (0700),
 * each key 0600 and the CA's key nowhere; the CLI writes and reads over https, a standby still
 * forwards (redirects are turned off, so a 307 would fail the read), curl trusting the lab CA is
 * served and curl without it refused; the lab verbs keep working; `down` takes the folder away.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/run-cli.ts';

let dir: string;
let home: string;
let lab: ReturnType<typeof startCli>;
let banner: string;
let env: Record<string, string>;
let nodes: { name: string; apiAddr: string }[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vaultlab-up-tls-'));
  home = join(dir, '.vaultlab');
  lab = startCli(['up', '--tls', '--storage', 'memory', '--nodes', '2', '--base-port', '0'], /Ctrl-C stops the lab/, {
    VAULTLAB_HOME: home,
  });
  banner = await lab.up;
  nodes = (JSON.parse(readFileSync(join(home, 'lab.json'), 'utf8')) as { nodes: typeof nodes }).nodes;
  env = { VAULTLAB_HOME: home };
}, 60_000);
afterAll(async () => {
  if (lab.child.exitCode === null) lab.child.kill('SIGINT');
  await lab.exited;
  rmSync(dir, { recursive: true, force: true });
});

function curl(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '20', ...args], (err, stdout) =>
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout }),
    );
  });
}

describe('up --tls', () => {
  it('prints VAULT_CACERT (the lab CA, an absolute path) beside an https VAULT_ADDR, and so does env', async () => {
    const caFile = join(home, 'tls', 'ca.pem');
    expect(banner).toContain(`$ export VAULT_ADDR='${nodes[0].apiAddr}'`);
    expect(nodes[0].apiAddr).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(banner).toContain(`$ export VAULT_CACERT='${caFile}'`);
    const printed = await runCli(['env'], env);
    expect(printed.stdout).toContain(`export VAULT_CACERT='${caFile}'\n`);
    expect(printed.stdout).toContain(`export VAULT_ADDR='${nodes[0].apiAddr}'\n`);
  });

  it('keeps the CA and one certificate per node in tls/ (0700), keys 0600 and no CA key', () => {
    const tlsDir = join(home, 'tls');
    expect(statSync(tlsDir).mode & 0o777).toBe(0o700);
    expect(readdirSync(tlsDir).sort()).toEqual(['ca.pem', 'node1-key.pem', 'node1.pem', 'node2-key.pem', 'node2.pem']);
    for (const key of ['node1-key.pem', 'node2-key.pem']) {
      expect(statSync(join(tlsDir, key)).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(tlsDir, key), 'utf8')).toContain('PRIVATE KEY');
    }
    expect(readFileSync(join(tlsDir, 'ca.pem'), 'utf8')).not.toContain('PRIVATE KEY');
  });

  it("writes and reads through the CLI over https with env's exports; a standby forwards the read", async () => {
    const exports = Object.fromEntries(
      [...(await runCli(['env'], env)).stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]] as [string, string]),
    );
    const cli = { ...env, ...exports };
    expect(await runCli(['kv', 'put', 'secret/tls', 'answer=42'], cli)).toMatchObject({ code: 0 });
    expect(await runCli(['kv', 'get', '-field=answer', 'secret/tls'], cli)).toMatchObject({ code: 0, stdout: '42' });
    const standby = nodes[1].apiAddr;
    const forwarded = await runCli(['kv', 'get', '-field=answer', `-address=${standby}`, 'secret/tls'], {
      ...cli,
      VAULT_DISABLE_REDIRECTS: '1',
    });
    expect(forwarded).toMatchObject({ code: 0, stdout: '42' });
    const untrusted = await runCli(['kv', 'get', 'secret/tls'], { ...cli, VAULT_CACERT: '' });
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toContain('x509: certificate signed by unknown authority');
  });

  it('serves curl trusting the lab CA and refuses curl without it', async () => {
    const health = `${nodes[0].apiAddr}/v1/sys/health`;
    const trusted = await curl(['--cacert', join(home, 'tls', 'ca.pem'), health]);
    expect(trusted.code).toBe(0);
    expect(JSON.parse(trusted.stdout)).toMatchObject({ initialized: true, sealed: false, standby: false });
    expect((await curl([health])).code).toBe(60);
  });

  it('keeps the lab verbs working (status --all over the control endpoint), and down removes tls/', async () => {
    const all = await runCli(['status', '--all'], env);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(nodes[1].apiAddr);
    expect(await runCli(['down'], env)).toMatchObject({ code: 0 });
    expect(await lab.exited).toBe(0);
    expect(readdirSync(home)).not.toContain('tls');
  });
});

describe('a TLS lab whose process died', () => {
  it('leaves tls/ behind only until down clears the stale files', async () => {
    const deadHome = join(dir, 'dead');
    const dead = startCli(['up', '--tls', '--storage', 'memory', '--nodes', '1', '--base-port', '0'], /Ctrl-C stops the lab/, {
      VAULTLAB_HOME: deadHome,
    });
    await dead.up;
    dead.child.kill('SIGKILL');
    await dead.exited;
    expect(readdirSync(deadHome)).toContain('tls');
    const cleared = await runCli(['down'], { VAULTLAB_HOME: deadHome });
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toMatch(/removed its stale files \(.*tls.*\)/);
    expect(readdirSync(deadHome)).not.toContain('tls');
  }, 60_000);
});
