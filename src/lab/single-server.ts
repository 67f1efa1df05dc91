/**
 * One node in one process: `vaultlab server -dev` (memory storage, initialized and
 * unsealed with a single key, KV v2 at secret/, like `vault server -dev`) and
 * `vaultlab server -config` (Vault's config file; starts uninitialized and sealed).
 */
import { buildApp, listen, type Listener, type ListenerTls } from '../api/index.ts';
import { VAULT_TIMINGS, withLockTtl, type Timings } from '../ha/index.ts';
import { VaultNode } from '../node/index.ts';
import { createBackend } from '../storage/index.ts';
import { openEtcdStorage, type EtcdStorageConfig } from './etcd-storage.ts';
import { startHaServer } from './ha-server.ts';
import { loadListenerTls, type ListenerTlsFiles } from './listener-tls-files.ts';

/** A running single node. */
export interface RunningServer {
  apiAddr: string;
  node: VaultNode;
  /** The storage in a few words for the banner: "inmem", "level (sync off)". */
  storage: string;
  /** What opening storage warned about (a torn log). */
  warnings: readonly string[];
  close(): Promise<void>;
}

/** A dev server's extra facts for the banner. */
export interface DevServer extends RunningServer {
  /** The single unseal key, base64. */
  unsealKey: string;
  rootToken: string;
}

/** The embedded storage of one process. */
export interface EmbeddedStorageConfig {
  type: 'inmem' | 'level';
  path?: string;
  /** Level: fsync each write before acknowledging it. */
  sync?: boolean;
}

/** Vault's server configuration, reduced to what vaultlab uses. */
export interface ServerConfig {
  storage: EmbeddedStorageConfig | EtcdStorageConfig;
  /** `tls` unless tls_disable is set (Vault's listeners serve TLS by default); the cluster port's address (default: API port + 1). */
  /** unauthenticatedMetricsAccess: the listener's `telemetry { unauthenticated_metrics_access = true }`. */
  listener: {
    address: string;
    tlsDisable: boolean;
    tls?: ListenerTlsFiles;
    clusterAddress?: string;
    unauthenticatedMetricsAccess?: boolean;
  };
  apiAddr?: string;
  clusterAddr?: string;
  ui?: boolean;
  /** The HA protocol's durations (default: Vault's); storage's lock_timeout sets the lock TTL. */
  timings?: Timings;
}

function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  if (i < 0) throw new Error(`listener address ${JSON.stringify(address)} must be host:port`);
  const host = address.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port in ${JSON.stringify(address)}`);
  return { host, port };
}

async function serve(
  node: VaultNode,
  host: string,
  port: number,
  tls?: ListenerTls,
  unauthenticatedMetricsAccess?: boolean,
): Promise<Listener> {
  return listen(buildApp(node, { unauthenticatedMetricsAccess }), host, port, { tls });
}

/** Starts `vaultlab server -dev`. */
export async function startDevServer(opts: { rootTokenId?: string; listenAddress?: string; kvVersion?: 1 | 2 } = {}): Promise<DevServer> {
  const { host, port } = splitAddress(opts.listenAddress ?? '127.0.0.1:8200');
  const backend = await createBackend('memory', {});
  // The address is only known once listening (port 0), so the node is built with a placeholder and served after.
  const node = await VaultNode.create({ name: 'dev', backend, storageType: 'inmem', apiAddr: `http://${host}:${port}`, clusterAddr: '' });
  const init = await node.init({ secretShares: 1, secretThreshold: 1, rootTokenId: opts.rootTokenId, devKvVersion: opts.kvVersion ?? 2 });
  await node.unseal({ key: init.keysBase64[0] });
  const listener = await serve(node, host, port);
  return {
    apiAddr: listener.url,
    node,
    storage: 'inmem',
    warnings: [],
    unsealKey: init.keysBase64[0],
    rootToken: init.rootToken,
    close: async () => {
      await listener.close();
      node.close();
      await backend.close();
    },
  };
}

/** How a `-config` server runs besides its config: its log, and in a process lab its name and event log. */
export interface ServerRunOptions {
  log?: (line: string) => void;
  name?: string;
  eventLog?: string;
}

/** Starts `vaultlab server -config=FILE`: uninitialized and sealed until an operator acts. */
export async function startServer(config: ServerConfig, opts: ServerRunOptions = {}): Promise<RunningServer> {
  const { host, port } = splitAddress(config.listener.address);
  // TLS files are read first: a bad one fails the start before storage is opened or a port bound.
  const tls = config.listener.tls && loadListenerTls(config.listener.tls);
  if (config.storage.type === 'etcd') return startEtcdServer(config, config.storage, { host, port, tls, ...opts });
  const backend =
    config.storage.type === 'inmem'
      ? await createBackend('memory', {})
      : await createBackend('level', { path: config.storage.path ?? '.vaultlab/data', sync: config.storage.sync });
  const apiAddr = config.apiAddr ?? `${tls ? 'https' : 'http'}://${host}:${port}`;
  const node = await VaultNode.create({
    name: 'server',
    backend,
    storageType: config.storage.type,
    apiAddr,
    clusterAddr: config.clusterAddr ?? '',
  });
  const listener = await serve(node, host, port, tls, config.listener.unauthenticatedMetricsAccess);
  return {
    apiAddr: config.apiAddr ?? listener.url,
    node,
    storage: config.storage.type === 'inmem' ? 'inmem' : `level (sync ${config.storage.sync ? 'on' : 'off'})`,
    warnings: [...backend.warnings],
    close: async () => {
      await listener.close();
      node.close();
      await backend.close();
    },
  };
}

/**
 * A server on etcd: with ha_enabled, one HA node that campaigns for the lock and forwards
 * while standby (any number of such processes form a cluster); without it, a lone node that
 * is active once unsealed, as Vault's is on a backend without HA.
 */
async function startEtcdServer(
  config: ServerConfig,
  etcd: EtcdStorageConfig,
  { host, port, tls, ...run }: { host: string; port: number; tls?: ListenerTls } & ServerRunOptions,
): Promise<RunningServer> {
  const backend = await openEtcdStorage(etcd);
  const storage = `etcd at ${etcd.endpoints.join(',')} (path ${etcd.prefix}, HA ${etcd.haEnabled ? 'on' : 'off'})`;
  try {
    if (!etcd.haEnabled) {
      const apiAddr = config.apiAddr ?? `${tls ? 'https' : 'http'}://${host}:${port}`;
      const node = await VaultNode.create({ name: 'server', backend, storageType: 'etcd', apiAddr, clusterAddr: '' });
      const listener = await serve(node, host, port, tls, config.listener.unauthenticatedMetricsAccess);
      return {
        apiAddr: config.apiAddr ?? listener.url,
        node,
        storage,
        warnings: [],
        close: async () => (await listener.close(), node.close(), await backend.close()),
      };
    }
    const base = config.timings ?? VAULT_TIMINGS;
    const timings = etcd.lockTimeoutMs === undefined ? base : withLockTtl(base, etcd.lockTimeoutMs);
    const cluster = config.listener.clusterAddress
      ? splitAddress(config.listener.clusterAddress)
      : { host, port: port === 0 ? 0 : port + 1 };
    const s = await startHaServer({
      backend,
      storageType: 'etcd',
      host,
      port,
      tls,
      cluster,
      apiAddr: config.apiAddr,
      clusterAddr: config.clusterAddr,
      timings,
      unauthenticatedMetricsAccess: config.listener.unauthenticatedMetricsAccess,
      ...run,
    });
    return { apiAddr: s.apiAddr, node: s.node, storage, warnings: [], close: async () => (await s.close(), await backend.close()) };
  } catch (err) {
    await backend.close();
    throw err;
  }
}
