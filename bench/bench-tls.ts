/**
 * The API's TLS for a bench server with `--api-tls on`: a CA made for this server process alone and one
 * certificate per node and for the bare route, issued as `vaultlab up --tls` issues a lab's (P-256, for
 * 127.0.0.1, ::1 and localhost). The material is written to a fresh temp folder (mode 0700, keys 0600)
 * so that a person can reach the server during a run (`curl --cacert DIR/ca.pem`), and the folder goes
 * with the process. The CA's key is never written: it signs these certificates in memory and is gone
 * with the process, so a copied ca.pem vouches for nothing afterwards.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListenerTls } from '../src/api/index.ts';
import { CertificateAuthority } from '../src/net/index.ts';

/** A server's API TLS: where its material is, the CA certificate its clients trust, and each listener's certificate. */
export interface BenchTls {
  dir: string;
  /** The CA certificate, PEM: what the load clients trust. */
  ca: string;
  /** One per node name, in the order asked for. */
  nodes: ListenerTls[];
  baseline: ListenerTls;
}

/** Writes a new file (never an existing one) with `mode` from its creation on. */
function writeNew(file: string, body: string, mode: number): void {
  const fd = openSync(file, 'wx', mode);
  try {
    writeSync(fd, body);
  } finally {
    closeSync(fd);
  }
}

/** Makes the CA and the certificates for `nodeNames` and the bare route, and writes them to a new temp folder. */
export async function makeBenchTls(nodeNames: readonly string[]): Promise<BenchTls> {
  // mkdtemp makes the folder 0700: nothing in it is readable by others even before its own mode is set.
  const dir = mkdtempSync(join(tmpdir(), 'vaultlab-bench-tls-'));
  try {
    return await writeMaterial(dir, nodeNames);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function writeMaterial(dir: string, nodeNames: readonly string[]): Promise<BenchTls> {
  const ca = await CertificateAuthority.create('vaultlab bench CA');
  writeNew(join(dir, 'ca.pem'), ca.cert, 0o644);
  const issue = async (name: string): Promise<ListenerTls> => {
    const { cert, key } = await ca.issue({ commonName: name });
    writeNew(join(dir, `${name}.pem`), cert, 0o644);
    writeNew(join(dir, `${name}-key.pem`), key, 0o600);
    return { cert, key };
  };
  const nodes: ListenerTls[] = [];
  for (const name of nodeNames) nodes.push(await issue(name));
  return { dir, ca: ca.cert, nodes, baseline: await issue('baseline') };
}
