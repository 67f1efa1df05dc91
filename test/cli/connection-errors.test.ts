/**
 * Transport failures as the CLI reports them: `status` exits 1 on any error (2 means sealed),
 * other commands keep Vault's 2; a refused connection after a standby's 307 names the address
 * that refused (the active it pointed to), and the 307 is followed once with the same request.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Starts a loopback HTTP server; resolves with its base URL. */
async function serve(handler: (req: IncomingMessage, body: string, res: import('node:http').ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback address nothing listens on: a port the OS handed out, then closed. */
async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

/** A standby that redirects every request to `target`, as Vault's standbys answer 307 to the active. */
function standbyTo(target: string) {
  return serve((req, _body, res) => {
    res.writeHead(307, { location: `${target}${req.url}` });
    res.end();
  });
}

describe('exit codes of a connection error', () => {
  it('status exits 1 when nothing listens (2 would say "sealed")', async () => {
    const dead = await deadAddress();
    const r = await runCli(['status'], { VAULT_ADDR: dead });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`connection refused at ${dead}`);
    expect(r.stdout).toBe('');
  });

  it('other commands keep exit 2 for a connection error', async () => {
    const dead = await deadAddress();
    for (const args of [
      ['read', 'sys/health'],
      ['kv', 'get', 'secret/a'],
      ['operator', 'seal'],
    ]) {
      const r = await runCli(args, { VAULT_ADDR: dead, VAULT_TOKEN: 'root' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(`connection refused at ${dead}`);
    }
  });
});

describe("a standby's redirect", () => {
  it('names the address that refused, and the standby it came from', async () => {
    const dead = await deadAddress();
    const standby = await standbyTo(dead);
    const read = await runCli(['read', 'secret/x'], { VAULT_ADDR: standby, VAULT_TOKEN: 'root' });
    expect(read.code).toBe(2);
    expect(read.stderr).toContain(`connection refused at ${dead} (redirected from ${standby})`);
    const status = await runCli(['status'], { VAULT_ADDR: standby });
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`connection refused at ${dead} (redirected from ${standby})`);
  });

  it('is followed once with the same method, body and token; not at all with VAULT_DISABLE_REDIRECTS', async () => {
    const seen: Array<{ method?: string; url?: string; token?: string | string[]; body: string }> = [];
    const active = await serve((req, body, res) => {
      seen.push({ method: req.method, url: req.url, token: req.headers['x-vault-token'], body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { written: true } }));
    });
    const standby = await standbyTo(active);
    const env = { VAULT_ADDR: standby, VAULT_TOKEN: 'hvs.redirected' };
    const r = await runCli(['write', 'secret/x', 'a=1'], env);
    expect(r.code).toBe(0);
    expect(seen).toEqual([
      { method: expect.stringMatching(/^(PUT|POST)$/), url: '/v1/secret/x', token: 'hvs.redirected', body: '{"a":"1"}' },
    ]);
    await runCli(['write', 'secret/x', 'a=1'], { ...env, VAULT_DISABLE_REDIRECTS: '1' });
    expect(seen).toHaveLength(1);
  });
});
