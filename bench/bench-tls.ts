/**
 * The API's TLS for a bench server with `--api-tls on`: a CA made for this server process alone and one
 * certificate per node and for the bare route, issued as `vaultlab up --tls` issues a lab's (P-256, for
 * 127.0.0.1, ::1 and localhost). The material is written to a fresh temp folder (mode 0700, keys 0600)
 * so that a person can reach the server during a run (`curl --cacert DIR/ca.pem`), and the folder goes
 * with the process. The CA's key is never written: it signs these certificates in memory and is gone
 * with the process, so a copied ca.pem vouches for nothing afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListenerTls } from '../src/api/index.ts';
import { writeTlsMaterial } from '../src/net/index.ts';

/** A server's API TLS: where its material is, the CA certificate its clients trust, and each listener's certificate. */
export interface BenchTls {
  dir: string;
  /** The CA certificate, PEM: what the load clients trust. */
  ca: string;
  /** One per node name, in the order asked for. */
  nodes: ListenerTls[];
  baseline: ListenerTls;
}

/** Makes the CA and the certificates for `nodeNames` and the bare route, and writes them to a new temp folder. */
export async function makeBenchTls(nodeNames: readonly string[]): Promise<BenchTls> {
  // mkdtemp makes the folder 0700: nothing in it is readable by others even before its own mode is set.
  const dir = mkdtempSync(join(tmpdir(), 'vaultlab-bench-tls-'));
  try {
    const { ca, certs } = await writeTlsMaterial(dir, 'vaultlab bench CA', [...nodeNames, 'baseline']);
    return { dir, ca, nodes: certs.slice(0, -1), baseline: certs.at(-1)! };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
