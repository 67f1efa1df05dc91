/**
 * A fresh CA and one server certificate per name (for 127.0.0.1, ::1 and localhost), written into
 * a folder the caller has made private: ca.pem, NAME.pem and NAME-key.pem. Each file has its mode
 * from its creation on (keys 0600), so no key is readable by others even for a moment. The CA's own
 * key is never written: it signs these certificates in memory and is gone with the process, so a
 * copied ca.pem vouches for nothing afterwards. `vaultlab up --tls` and the bench's API TLS use it.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ListenerTls } from '../api/index.ts';
import { CertificateAuthority } from './x509.ts';

/** The CA certificate's file name in the folder: what clients trust (VAULT_CACERT). */
export const CA_FILE = 'ca.pem';

/** Writes a new file with `mode` from its creation on (an old file of that name is removed first: its mode could be wider). */
function writeNew(file: string, body: string, mode: number): void {
  rmSync(file, { force: true });
  const fd = openSync(file, 'wx', mode);
  try {
    writeSync(fd, body);
  } finally {
    closeSync(fd);
  }
}

/** Makes a CA called `caName` and one certificate per name, writes them into `dir`, and gives back the CA certificate and each name's pair. */
export async function writeTlsMaterial(
  dir: string,
  caName: string,
  names: readonly string[],
): Promise<{ ca: string; certs: ListenerTls[] }> {
  const ca = await CertificateAuthority.create(caName);
  writeNew(join(dir, CA_FILE), ca.cert, 0o644);
  const certs: ListenerTls[] = [];
  for (const name of names) {
    const { cert, key } = await ca.issue({ commonName: name });
    writeNew(join(dir, `${name}.pem`), cert, 0o644);
    writeNew(join(dir, `${name}-key.pem`), key, 0o600);
    certs.push({ cert, key });
  }
  return { ca: ca.cert, certs };
}
