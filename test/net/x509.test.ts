/**
 * The lab's certificates work where they are used: node:tls serves and verifies them. A
 * client trusting the lab CA connects, one trusting nothing is refused; a self-signed
 * certificate serves as both ends of a mutual-TLS connection, and a different one is refused.
 */
import { once } from 'node:events';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { CertificateAuthority, selfSigned, type CertifiedKey } from '../../src/net/index.ts';

async function serve(opts: tls.TlsOptions): Promise<{ port: number; close: () => void }> {
  const server = tls.createServer(opts, (s) => s.end('hello'));
  server.on('tlsClientError', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

/** Connects and reads what the server says, or the error that stopped it. */
function dial(port: number, opts: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, ...opts });
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('end', () => resolve(got));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(`error: ${e.code ?? e.message}`));
  });
}

describe('the lab CA', () => {
  it('issues a server certificate for 127.0.0.1 and localhost that a client trusting the CA accepts', async () => {
    const ca = await CertificateAuthority.create('vaultlab CA');
    const leaf = await ca.issue({ commonName: 'node1' });
    const parsed = new X509Certificate(leaf.cert);
    expect(parsed.subjectAltName).toBe('IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost');
    expect(parsed.checkIssued(new X509Certificate(ca.cert))).toBe(true);
    const server = await serve(leaf);
    try {
      expect(await dial(server.port, { ca: ca.cert })).toBe('hello');
      expect(await dial(server.port, { ca: ca.cert, servername: 'localhost' })).toBe('hello');
      expect(await dial(server.port, {})).toBe('error: UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      const other = await CertificateAuthority.create('another CA');
      expect(await dial(server.port, { ca: other.cert })).toMatch(/^error: /);
    } finally {
      server.close();
    }
  });
});

describe('a self-signed certificate', () => {
  const mutual = (id: CertifiedKey): tls.TlsOptions => ({ ...id, ca: id.cert, requestCert: true, rejectUnauthorized: true });

  it('is both ends of a mutual-TLS connection, and a peer with another one is refused', async () => {
    const term = await selfSigned({ commonName: 'cluster term 1', curve: 'P-521' });
    expect(new X509Certificate(term.cert).publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp521r1');
    const server = await serve(mutual(term));
    try {
      expect(await dial(server.port, { ...term, ca: term.cert })).toBe('hello');
      const stale = await selfSigned({ commonName: 'cluster term 0' });
      expect(await dial(server.port, { ...stale, ca: term.cert })).toMatch(/^(error: |$)/);
      expect(await dial(server.port, { ca: term.cert })).toMatch(/^(error: |$)/);
    } finally {
      server.close();
    }
  });
});
