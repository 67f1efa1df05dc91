/** A bench server's API TLS material: a fresh folder only its owner can enter, keys only its owner can read, certificates the CA signed. */
import { X509Certificate } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeBenchTls } from '../../bench/bench-tls.ts';

describe('makeBenchTls', () => {
  it('writes the CA and one certificate per node and for the bare route, keys 0600 in a 0700 folder', async () => {
    const tls = await makeBenchTls(['node1', 'node2']);
    try {
      expect(statSync(tls.dir).mode & 0o777).toBe(0o700);
      expect(readdirSync(tls.dir).sort()).toEqual(
        ['baseline-key.pem', 'baseline.pem', 'ca.pem', 'node1-key.pem', 'node1.pem', 'node2-key.pem', 'node2.pem'].sort(),
      );
      for (const name of ['node1', 'node2', 'baseline']) expect(statSync(join(tls.dir, `${name}-key.pem`)).mode & 0o777).toBe(0o600);
      const ca = new X509Certificate(tls.ca);
      expect(tls.nodes).toHaveLength(2);
      for (const { cert } of [...tls.nodes, tls.baseline]) {
        const x = new X509Certificate(cert as string);
        expect(x.verify(ca.publicKey)).toBe(true);
        expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
      }
    } finally {
      rmSync(tls.dir, { recursive: true, force: true });
    }
  });
});
