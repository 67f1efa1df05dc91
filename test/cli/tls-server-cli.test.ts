/**
 * `server -config` with a TLS listener, driven end to end by the CLI over https as a user would:
 * trusting the CA through VAULT_CACERT, -ca-cert or -ca-path, or skipping the check; without any,
 * a certificate check fails in the Go client's words (exit 2; `status` exits 1, as vault's does).
 * A listener that requires client certificates serves the CLI only with -client-cert/-client-key.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../src/net/index.ts';
import { runCli, startCli } from '../helpers/run-cli.ts';

let dir: string;
const running: Array<ReturnType<typeof startCli>> = [];
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vaultlab-tls-server-'));
  const ca = await CertificateAuthority.create('server test CA');
  const server = await ca.issue({ commonName: 'server' });
  const client = await ca.issue({ commonName: 'cli' });
  mkdirSync(at('cas'));
  const files = { 'ca.pem': ca.cert, 'cas/ca.pem': ca.cert, 'server.pem': server.cert, 'client.pem': client.cert };
  for (const [name, text] of Object.entries(files)) writeFileSync(at(name), text);
  for (const [name, text] of Object.entries({ 'server-key.pem': server.key, 'client-key.pem': client.key }))
    writeFileSync(at(name), text, { mode: 0o600 });
});
afterAll(async () => {
  for (const s of running) s.child.kill('SIGINT');
  await Promise.all(running.map((s) => s.exited));
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `server -config` with a TLS listener (extra listener settings appended); resolves with its https address. */
async function startTlsServer(name: string, extra = ''): Promise<string> {
  const config = at(`${name}.hcl`);
  const listener = `address = "127.0.0.1:0"\ntls_cert_file = "${at('server.pem')}"\ntls_key_file = "${at('server-key.pem')}"\n${extra}`;
  writeFileSync(config, `storage "inmem" {}\nlistener "tcp" {\n${listener}}\n`);
  const s = startCli(['server', `-config=${config}`], /server started .* at https:\/\/127\.0\.0\.1:\d+/, {
    VAULTLAB_HOME: at(`${name}-home`),
  });
  running.push(s);
  const banner = await s.up;
  return /at (https:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1];
}

describe('server -config with TLS, through the CLI over https', () => {
  let addr: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    addr = await startTlsServer('plain-tls');
    env = { VAULT_ADDR: addr, VAULTLAB_HOME: at('cli-home') };
  }, 60_000);

  it('inits, unseals, mounts KV and writes and reads a secret, trusting the CA through VAULT_CACERT', async () => {
    const trusted = { ...env, VAULT_CACERT: at('ca.pem') };
    const init = await runCli(['operator', 'init', '-key-shares=1', '-key-threshold=1', '-format=json'], trusted);
    expect(init.stderr).toBe('');
    const { unseal_keys_b64: keys, root_token: token } = JSON.parse(init.stdout) as { unseal_keys_b64: string[]; root_token: string };
    expect((await runCli(['operator', 'unseal', keys[0]], trusted)).code).toBe(0);
    const withToken = { ...trusted, VAULT_TOKEN: token };
    expect((await runCli(['secrets', 'enable', '-path=secret', '-version=2', 'kv'], withToken)).code).toBe(0);
    expect((await runCli(['kv', 'put', 'secret/app', 'colour=teal'], withToken)).code).toBe(0);
    const got = await runCli(['kv', 'get', '-field=colour', 'secret/app'], withToken);
    expect(got).toMatchObject({ code: 0, stdout: 'teal' });
    env = { ...env, VAULT_TOKEN: token };
  });

  it('trusts the CA given by -ca-cert or -ca-path, and skips the check with -tls-skip-verify or VAULT_SKIP_VERIFY', async () => {
    for (const [args, extraEnv] of [
      [[`-ca-cert=${at('ca.pem')}`], {}],
      [[`-ca-path=${at('cas')}`], {}],
      [['-tls-skip-verify'], {}],
      [[], { VAULT_SKIP_VERIFY: 'true' }],
      [[], { VAULT_CAPATH: at('cas') }],
    ] as Array<[string[], Record<string, string>]>) {
      const r = await runCli(['kv', 'get', '-field=colour', ...args, 'secret/app'], { ...env, ...extraEnv });
      expect(r, JSON.stringify(args)).toMatchObject({ code: 0, stdout: 'teal' });
    }
  });

  it("without the CA fails the certificate check in the Go client's words: exit 2, and exit 1 for status", async () => {
    const read = await runCli(['read', 'sys/health'], env);
    expect(read.code).toBe(2);
    expect(read.stdout).toBe('');
    expect(read.stderr).toContain(
      `Error: Get "${addr}/v1/sys/health": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
    expect(read.stderr).toContain('VAULT_CACERT');
    const status = await runCli(['status'], env);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(
      `Error checking seal status: Get "${addr}/v1/sys/seal-status": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
  });

  it("shows Vault's raw 400 when an http:// address reaches the TLS listener", async () => {
    const plain = addr.replace('https:', 'http:');
    const r = await runCli(['read', 'sys/health'], { ...env, VAULT_ADDR: plain });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `Error making API request.\n\nURL: GET ${plain}/v1/sys/health\nCode: 400. Raw Message:\n\nClient sent an HTTP request to an HTTPS server.`,
    );
  });

  it('checks the name -tls-server-name gives, and a flag wins over its environment variable', async () => {
    const named = await runCli(['read', '-tls-server-name=vault.example.com', 'sys/health'], { ...env, VAULT_CACERT: at('ca.pem') });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('x509: certificate is valid for localhost, not vault.example.com');
    const flagWins = await runCli(['read', `-ca-cert=${at('ca.pem')}`, '-format=json', 'sys/health'], {
      ...env,
      VAULT_CACERT: at('server.pem'),
    });
    expect(flagWins.code).toBe(0);
  });

  it('-tls-skip-verify=false checks the certificate even where VAULT_SKIP_VERIFY says skip: a flag wins over the environment', async () => {
    const r = await runCli(['read', '-tls-skip-verify=false', 'sys/health'], { ...env, VAULT_SKIP_VERIFY: 'true' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('x509: certificate signed by unknown authority');
    const on = await runCli(['read', '-tls-skip-verify=true', '-format=json', 'sys/health'], env);
    expect(on.code, on.stderr).toBe(0);
    const bad = await runCli(['read', '-tls-skip-verify=maybe', 'sys/health'], env);
    expect(bad).toMatchObject({ code: 1, stderr: 'invalid boolean value "maybe" for -tls-skip-verify: parse error\n' });
  });

  it('refuses bad TLS settings locally (exit 1) and names them', async () => {
    const badBool = await runCli(['read', 'sys/health'], { ...env, VAULT_SKIP_VERIFY: 'maybe' });
    expect(badBool).toMatchObject({ code: 1, stderr: expect.stringContaining('could not parse VAULT_SKIP_VERIFY') });
    const missing = await runCli(['read', `-ca-cert=${at('nope.pem')}`, 'sys/health'], env);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/Error loading CA File: .*no such file/) });
    const halfPair = await runCli(['read', `-client-cert=${at('client.pem')}`, 'sys/health'], { ...env, VAULT_CACERT: at('ca.pem') });
    expect(halfPair).toMatchObject({ code: 1, stderr: expect.stringContaining('Both client cert and client key must be provided') });
  });
});

describe('server -config requiring client certificates', () => {
  it('serves the CLI only with a client certificate the client CA signed', async () => {
    const addr = await startTlsServer('mtls', `tls_client_ca_file = "${at('ca.pem')}"\ntls_require_and_verify_client_cert = true\n`);
    const env = { VAULT_ADDR: addr, VAULT_CACERT: at('ca.pem'), VAULTLAB_HOME: at('mtls-cli') };
    const without = await runCli(['read', '-format=json', 'sys/seal-status'], env);
    expect(without.code).toBe(2);
    expect(without.stdout).toBe('');
    const withCert = await runCli(
      ['read', '-format=json', `-client-cert=${at('client.pem')}`, `-client-key=${at('client-key.pem')}`, 'sys/seal-status'],
      env,
    );
    expect(withCert.code).toBe(0);
    expect(JSON.parse(withCert.stdout)).toMatchObject({ data: { sealed: true } });
  }, 60_000);

  it('refuses to start with tls_min_version out of the allowed values, naming them', async () => {
    const config = at('bad-version.hcl');
    writeFileSync(
      config,
      `storage "inmem" {}\nlistener "tcp" {\naddress = "127.0.0.1:0"\ntls_cert_file = "${at('server.pem')}"\ntls_key_file = "${at('server-key.pem')}"\ntls_min_version = "ssl3"\n}\n`,
    );
    const r = await runCli(['server', `-config=${config}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`'tls_min_version' value "ssl3" not supported, please specify one of [tls10,tls11,tls12,tls13]`);
  });
});
