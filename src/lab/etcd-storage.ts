/**
 * A server config's `storage "etcd"`, as read from the file, and the backend it opens: the
 * TLS files are read here, when the server starts, so a missing one names its setting.
 */
import { readFileSync } from 'node:fs';
import { createEtcdBackend, type EtcdBackend } from '../storage/index.ts';

/** Vault's etcd storage keys, read and checked (the CLI's config reader builds this). */
export interface EtcdStorageConfig {
  type: 'etcd';
  endpoints: string[];
  prefix: string;
  haEnabled: boolean;
  sync: boolean;
  /** The lock TTL (Vault's lock_timeout); undefined: the timings' own. */
  lockTimeoutMs?: number;
  requestTimeoutMs: number;
  auth?: { username: string; password: string };
  tlsFiles: { ca?: string; cert?: string; key?: string };
}

function readSetting(file: string | undefined, setting: string): Uint8Array | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`storage "etcd": ${setting} ${JSON.stringify(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      cause: e,
    });
  }
}

/** Opens the backend the stanza describes (failing with the address when etcd does not answer). */
export function openEtcdStorage(c: EtcdStorageConfig): Promise<EtcdBackend> {
  const { ca, cert, key } = c.tlsFiles;
  const tls =
    ca || cert || key
      ? { ca: readSetting(ca, 'tls_ca_file'), cert: readSetting(cert, 'tls_cert_file'), key: readSetting(key, 'tls_key_file') }
      : undefined;
  return createEtcdBackend({
    endpoints: c.endpoints,
    prefix: c.prefix,
    auth: c.auth,
    tls,
    sync: c.sync,
    requestTimeoutMs: c.requestTimeoutMs,
  });
}
