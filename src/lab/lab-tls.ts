/**
 * `vaultlab up --tls`: a lab CA made fresh for the run and one server certificate per node (for
 * 127.0.0.1, ::1 and localhost), written under the lab's home in tls/: ca.pem (what clients
 * trust: VAULT_CACERT), nodeN.pem and nodeN-key.pem. Key files are created with mode 0600 and
 * the folder 0700, so no key is readable by others even for a moment. Loaded only by `up --tls`:
 * the X.509 library costs a few hundred milliseconds to load, which a plain lab does not pay. The CA's own key is never
 * written: it signs this run's certificates in memory and is gone with the run, so a copied
 * ca.pem vouches for nothing once the lab is down. The run owns the folder and removes it on close.
 */
import { chmodSync, closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ListenerTls } from '../api/index.ts';
import { CertificateAuthority } from '../net/index.ts';
import { TLS_DIR } from './lab-files.ts';

/** The CA certificate clients trust (VAULT_CACERT). */
export const CA_FILE = 'ca.pem';

/** A TLS lab's material: where its CA certificate is, and each node's listener TLS (node1 first). */
export interface LabTls {
  /** The CA certificate's absolute path: the VAULT_CACERT a user exports from any folder. */
  caFile: string;
  nodes: ListenerTls[];
}

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

/** Makes the CA and one certificate per node name, and writes them under `home`/tls. */
export async function makeLabTls(home: string, names: string[]): Promise<LabTls> {
  const dir = join(home, TLS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // An existing folder keeps its mode on mkdir: narrow it before any key goes in.
  chmodSync(dir, 0o700);
  const ca = await CertificateAuthority.create('vaultlab lab CA');
  writeNew(join(dir, CA_FILE), ca.cert, 0o644);
  const nodes: ListenerTls[] = [];
  for (const name of names) {
    const { cert, key } = await ca.issue({ commonName: name });
    writeNew(join(dir, `${name}.pem`), cert, 0o644);
    writeNew(join(dir, `${name}-key.pem`), key, 0o600);
    nodes.push({ cert, key });
  }
  return { caFile: resolve(dir, CA_FILE), nodes };
}
