/**
 * A listener with TLS, over real sockets: curl trusting the lab CA gets answers (LIST too, through
 * the shim that reads the decrypted bytes), curl trusting nothing is refused; tls_min_version
 * refuses an older client at the handshake; a listener that requires client certificates refuses a
 * client without one and serves one the client CA signed. Nothing fastify-specific: the app is a stub.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { connect } from 'node:net';
import tls from 'node:tls';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listener, type ListenerTls } from '../../src/api/index.ts';
import { LIST_MARK_HEADER } from '../../src/api/list-method.ts';
import { CertificateAuthority, type CertifiedKey } from '../../src/net/index.ts';

let dir: string;
let ca: CertificateAuthority;
let server: CertifiedKey;
let caFile: string;
const open: Listener[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vaultlab-listener-tls-'));
  ca = await CertificateAuthority.create('listener test CA');
  server = await ca.issue({ commonName: 'node1' });
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.cert);
});
afterAll(async () => {
  await Promise.all(open.map((l) => l.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** A stub app on a TLS listener: it answers with the method the client sent (the shim's mark says LIST). */
async function serveTls(tlsOpts: Partial<ListenerTls> = {}): Promise<Listener> {
  const app = Fastify();
  app.get('/v1/*', async (req) => ({ method: req.headers[LIST_MARK_HEADER] ?? req.method, url: req.url }));
  const l = await listen(app, '127.0.0.1', 0, { tls: { ...server, ...tlsOpts } });
  open.push(l);
  return l;
}

/** Runs curl; resolves with its exit code and output (curl's exit 60: the peer's certificate failed verification). */
function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '20', ...args], (err, stdout, stderr) => {
      const code = err ? Number((err as { code?: number }).code ?? -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A TLS handshake's outcome: 'ok', or the error code that ended it. */
function handshake(port: number, opts: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: ca.cert, ...opts });
    s.on('secureConnect', () => {
      // TLS 1.3 sends the server's verdict on a client certificate after the handshake: wait for a read to see it.
      s.write('GET /v1/x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    });
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('end', () => resolve(got.startsWith('HTTP/1.1 200') ? 'ok' : `answered: ${got.slice(0, 40)}`));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('a TLS listener', () => {
  it('serves https:// to a client trusting its CA, LIST included, and curl without the CA is refused', async () => {
    const l = await serveTls();
    expect(l.url).toBe(`https://127.0.0.1:${l.port}`);
    const ok = await curl(['--cacert', caFile, `${l.url}/v1/secret/a`]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ method: 'GET', url: '/v1/secret/a' });
    const list = await curl(['--cacert', caFile, '-X', 'LIST', `${l.url}/v1/secret/`]);
    expect(JSON.parse(list.stdout)).toEqual({ method: 'LIST', url: '/v1/secret/?list=true' });
    const untrusted = await curl([`${l.url}/v1/secret/a`]);
    expect(untrusted.code).toBe(60);
    expect(untrusted.stdout).toBe('');
  });

  it('offers http/1.1 by ALPN, and answers plain HTTP as Go (so Vault) does: 400 and why', async () => {
    const l = await serveTls();
    const verbose = await curl(['-v', '--cacert', caFile, `${l.url}/v1/x`]);
    expect(verbose.stderr).toMatch(/ALPN.*http\/1\.1/);
    expect(verbose.stderr).not.toMatch(/ALPN.*server accepted h2/);
    const plain = await curl(['-w', '%{http_code}', `http://127.0.0.1:${l.port}/v1/x`]);
    expect(plain).toMatchObject({ code: 0, stdout: 'Client sent an HTTP request to an HTTPS server.\n400' });
  });

  it('cuts a connection that never starts its handshake once the read-header timeout is up', async () => {
    const app = Fastify();
    const l = await listen(app, '127.0.0.1', 0, { tls: server, readHeaderTimeoutMs: 200 });
    open.push(l);
    const sock = connect(l.port, '127.0.0.1');
    sock.on('error', () => undefined);
    await once(sock, 'close');
    expect(sock.bytesRead).toBe(0);
  });

  it('with tls_min_version tls13 refuses a TLS 1.2 client, and serves a TLS 1.3 one', async () => {
    const l = await serveTls({ minVersion: 'tls13' });
    expect(await handshake(l.port, { maxVersion: 'TLSv1.2' })).toMatch(/ERR_SSL|EPROTO|ECONNRESET/);
    expect(await handshake(l.port, { minVersion: 'TLSv1.3' })).toBe('ok');
    const defaults = await serveTls();
    expect(await handshake(defaults.port, { maxVersion: 'TLSv1.2' })).toBe('ok');
  });

  it('requiring client certificates refuses a client without one and serves one the client CA signed', async () => {
    const l = await serveTls({ requireClientCert: true, clientCa: ca.cert });
    expect(await handshake(l.port, {})).not.toBe('ok');
    const client = await ca.issue({ commonName: 'client' });
    expect(await handshake(l.port, { ...client })).toBe('ok');
    const stranger = await (await CertificateAuthority.create('another CA')).issue({ commonName: 'client' });
    expect(await handshake(l.port, { ...stranger })).not.toBe('ok');
  });

  it('with a client CA but no requirement (Vault reads the CA only when certificates are required) serves a client without one', async () => {
    const l = await serveTls({ clientCa: ca.cert });
    expect(await handshake(l.port, {})).toBe('ok');
  });
});
