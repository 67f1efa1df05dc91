/**
 * How vaultlab reaches an etcd v3 cluster: Vault's etcd backend settings (`address`, `path`,
 * `username`/`password`, the TLS files, `sync`, `request_timeout`), already read and checked.
 * The lock's TTL is not here: it is the HA timings' lock TTL (Vault's `lock_timeout`).
 */

/** The client certificate material, as bytes (PEM). */
export interface EtcdTls {
  /** The CA that signed the members' certificates. */
  ca?: Uint8Array;
  /** A client certificate and its key, for members that ask for one. */
  cert?: Uint8Array;
  key?: Uint8Array;
}

/** What an EtcdBackend needs to connect. */
export interface EtcdBackendOptions {
  /** Client URLs of the members (Vault's comma-separated `address`). */
  endpoints: readonly string[];
  /** Key prefix of everything this Vault stores (Vault's `path`, default "/vault/"). */
  prefix?: string;
  /** etcd's own authentication (Vault's `username` and `password`). */
  auth?: { username: string; password: string };
  tls?: EtcdTls;
  /** Ask the cluster for its members' client URLs at open and use those too (Vault's `sync`, default true). */
  sync?: boolean;
  /** The most any one call may take (Vault's `request_timeout`, default 5 s). */
  requestTimeoutMs?: number;
  /** How long opening a connection may take (default 5 s). */
  dialTimeoutMs?: number;
}

/** Vault's default key prefix. */
export const DEFAULT_ETCD_PREFIX = '/vault/';
/** Vault's etcd request_timeout default. */
export const DEFAULT_ETCD_REQUEST_TIMEOUT_MS = 5_000;
