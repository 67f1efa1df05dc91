/**
 * The `storage "etcd"` stanza of a server config, read with Vault's etcd backend keys and
 * defaults: address "http://localhost:2379" (comma-separated), path "/vault/", ha_enabled
 * false, etcd_api "v3" (v2 is gone from etcd 3.4's default build, and from vaultlab), sync
 * true, lock_timeout "15s", request_timeout "5s", username and password together, TLS files.
 * Keys vaultlab does not use are named back to the user, not silently dropped.
 */
import { parseGoDuration } from '../net/index.ts';
import { parseEtcdUrls, type EtcdStorageConfig } from '../lab/index.ts';
import { flag } from './listener-tls-config.ts';
import { UsageError } from './output.ts';

const KNOWN = new Set([
  'address',
  'path',
  'ha_enabled',
  'etcd_api',
  'sync',
  'lock_timeout',
  'request_timeout',
  'username',
  'password',
  'tls_ca_file',
  'tls_cert_file',
  'tls_key_file',
]);

function text(v: unknown, key: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '')
    throw new UsageError(`config: storage "etcd": ${key} must be a non-empty string, not ${JSON.stringify(v)}`);
  return v;
}

function duration(v: unknown, key: string, fallback: number): number {
  const s = text(v, key);
  if (s === undefined) return fallback;
  const ms = parseGoDuration(s);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`config: storage "etcd": ${key} ${JSON.stringify(s)} is not a duration such as "15s"`);
  return ms;
}

function endpoints(v: unknown): string[] {
  const { urls, bad } = parseEtcdUrls(text(v, 'address') ?? 'http://localhost:2379');
  if (bad !== undefined)
    throw new UsageError(
      `config: storage "etcd": address ${JSON.stringify(bad)} must be http(s)://host:port (comma-separated for several)`,
    );
  return urls;
}

/** Reads the stanza; `notes` gets the keys vaultlab ignores. */
export function etcdStorageConfig(s: Record<string, unknown>, notes: string[]): EtcdStorageConfig {
  const api = text(s.etcd_api, 'etcd_api') ?? 'v3';
  if (api !== 'v3')
    throw new UsageError(`config: storage "etcd": etcd_api ${JSON.stringify(api)} is not supported (vaultlab speaks etcd's v3 API only)`);
  const username = text(s.username, 'username');
  const password = text(s.password, 'password');
  if ((username === undefined) !== (password === undefined))
    throw new UsageError('config: storage "etcd": username and password go together');
  const ignored = Object.keys(s).filter((k) => !KNOWN.has(k));
  if (ignored.length) notes.push(`storage "etcd": ${ignored.map((k) => JSON.stringify(k)).join(', ')} not used by vaultlab, ignored`);
  const prefix = text(s.path, 'path') ?? '/vault/';
  return {
    type: 'etcd',
    endpoints: endpoints(s.address),
    prefix: prefix.endsWith('/') ? prefix : `${prefix}/`,
    haEnabled: flag(s.ha_enabled, 'storage "etcd" ha_enabled') ?? false,
    sync: flag(s.sync, 'storage "etcd" sync') ?? true,
    lockTimeoutMs: s.lock_timeout === undefined ? undefined : duration(s.lock_timeout, 'lock_timeout', 15_000),
    requestTimeoutMs: duration(s.request_timeout, 'request_timeout', 5_000),
    auth: username === undefined ? undefined : { username, password: password! },
    tlsFiles: {
      ca: text(s.tls_ca_file, 'tls_ca_file'),
      cert: text(s.tls_cert_file, 'tls_cert_file'),
      key: text(s.tls_key_file, 'tls_key_file'),
    },
  };
}
