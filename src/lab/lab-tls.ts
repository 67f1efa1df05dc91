/**
 * `vaultlab up --tls`: a lab CA made fresh for the run and one server certificate per node (for
 * 127.0.0.1, ::1 and localhost), written under the lab's home in tls/: ca.pem (what clients
 * trust: VAULT_CACERT), nodeN.pem and nodeN-key.pem (net/tls-material.ts), in a folder of mode 0700. Loaded only by `up --tls`:
 * the X.509 library costs a few hundred milliseconds to load, which a plain lab does not pay. The run owns the folder and removes it on close.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ListenerTls } from '../api/index.ts';
import { CA_FILE, writeTlsMaterial } from '../net/index.ts';
import { TLS_DIR } from './lab-files.ts';

/** A TLS lab's material: where its CA certificate is, and each node's listener TLS (node1 first). */
export interface LabTls {
  /** The CA certificate's absolute path: the VAULT_CACERT a user exports from any folder. */
  caFile: string;
  nodes: ListenerTls[];
}

/** Makes the CA and one certificate per node name, and writes them under `home`/tls. */
export async function makeLabTls(home: string, names: string[]): Promise<LabTls> {
  const dir = join(home, TLS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // An existing folder keeps its mode on mkdir: narrow it before any key goes in.
  chmodSync(dir, 0o700);
  const { certs } = await writeTlsMaterial(dir, 'vaultlab lab CA', names);
  return { caFile: resolve(dir, CA_FILE), nodes: certs };
}
