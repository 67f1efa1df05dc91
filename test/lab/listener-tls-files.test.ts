/**
 * A server config's TLS files, loaded before anything starts: each failure names the setting and
 * the file; a certificate with another certificate's key is refused; the client CA is read only
 * when client certificates are required (Vault ignores it otherwise).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadListenerTls, type ListenerTlsFiles } from '../../src/lab/listener-tls-files.ts';
import { CertificateAuthority } from '../../src/net/index.ts';

let dir: string;
let files: ListenerTlsFiles;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vaultlab-tls-files-'));
  const ca = await CertificateAuthority.create('files CA');
  const [a, b] = [await ca.issue({ commonName: 'a' }), await ca.issue({ commonName: 'b' })];
  for (const [name, text] of Object.entries({
    'ca.pem': ca.cert,
    'a.pem': a.cert,
    'a-key.pem': a.key,
    'b-key.pem': b.key,
    'junk.pem': 'junk',
  }))
    writeFileSync(join(dir, name), text);
  const at = (name: string) => join(dir, name);
  files = { certFile: at('a.pem'), keyFile: at('a-key.pem'), minVersion: 'tls12', requireClientCert: false, disableClientCerts: false };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadListenerTls', () => {
  it('loads a matching certificate and key, and the client CA only when client certificates are required', () => {
    const withCa = { ...files, clientCaFile: join(dir, 'ca.pem') };
    expect(loadListenerTls(withCa).clientCa).toBeUndefined();
    const required = loadListenerTls({ ...withCa, requireClientCert: true });
    expect(required.clientCa?.toString()).toContain('BEGIN CERTIFICATE');
    expect(required.cert.toString()).toContain('BEGIN CERTIFICATE');
  });

  it.each([
    [{ certFile: '/nonexistent/c.pem' }, /error loading TLS cert: tls_cert_file "\/nonexistent\/c.pem": no such file or directory/],
    [{ keyFile: '/nonexistent/k.pem' }, /error loading TLS cert: tls_key_file "\/nonexistent\/k.pem": no such file or directory/],
    [{ keyFile: 'b-key.pem' }, /error loading TLS cert: tls_cert_file ".*a.pem" and tls_key_file ".*b-key.pem": .*key values mismatch/],
    [{ requireClientCert: true, clientCaFile: 'junk.pem' }, /failed to parse CA certificate in tls_client_ca_file ".*junk.pem"/],
    [
      { requireClientCert: true, clientCaFile: '/nonexistent/ca.pem' },
      /failed to read tls_client_ca_file: tls_client_ca_file "\/nonexistent\/ca.pem": no such file/,
    ],
  ])('refuses %j, naming the setting', (change, message) => {
    const resolved = Object.fromEntries(
      Object.entries(change).map(([k, v]) => [k, typeof v === 'string' && !v.startsWith('/') ? join(dir, v) : v]),
    );
    expect(() => loadListenerTls({ ...files, ...resolved })).toThrow(message);
  });
});
