/** Reads a Vault server config file (HCL v1) into the lab's ServerConfig, refusing what vaultlab cannot run. */
import { readFileSync } from 'node:fs';
import { parseHcl } from '../hcl/index.ts';
import type { ServerConfig } from '../lab/index.ts';
import { etcdStorageConfig } from './etcd-storage-config.ts';
import { flag, listenerTls } from './listener-tls-config.ts';
import { UsageError } from './output.ts';

function one(block: unknown, what: string): [string, Record<string, unknown>] {
  if (!block || typeof block !== 'object') throw new UsageError(`config: a ${what} block is required`);
  const entries = Object.entries(block as Record<string, unknown>);
  if (entries.length !== 1) throw new UsageError(`config: exactly one ${what} block is supported (found ${entries.length})`);
  return entries[0] as [string, Record<string, unknown>];
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}

/** Parses config text; `notes` collects substitutions worth telling the user (file/raft → level). */
export function parseServerConfig(text: string, notes: string[] = []): ServerConfig {
  const tree = parseHcl(text);
  const [storageType, storage] = one(tree.storage, 'storage');
  const [listenerType, listener] = one(tree.listener, 'listener');
  if (listenerType !== 'tcp') throw new UsageError(`config: listener "${listenerType}" is not supported (use tcp)`);
  if (storageType === 'etcd') return { ...common(tree, listener), storage: etcdStorageConfig(storage, notes) };
  let type: 'inmem' | 'level';
  if (storageType === 'inmem') type = 'inmem';
  else if (storageType === 'level') type = 'level';
  else if (storageType === 'file' || storageType === 'raft') {
    type = 'level';
    notes.push(
      `storage "${storageType}" runs on vaultlab's embedded level storage at ${String(storage.path ?? '.vaultlab/data')}` +
        (storageType === 'raft' && storage.sync === undefined
          ? ' (Vault\'s raft fsyncs every write; add sync = "true" to do the same)'
          : ''),
    );
  } else throw new UsageError(`config: storage "${storageType}" is not supported by vaultlab (use inmem, level, file, raft or etcd)`);
  const sync = flag(storage.sync, `storage "${storageType}" sync`);
  if (sync && type !== 'level')
    throw new UsageError(`config: sync applies to storage "level" (and "file" or "raft", which run on it), not "${storageType}"`);
  return { ...common(tree, listener), storage: { type, path: storage.path === undefined ? undefined : String(storage.path), sync } };
}

/** What every storage shares: the listener, the advertised addresses, the UI switch. */
function common(tree: Record<string, unknown>, listener: Record<string, unknown>): Omit<ServerConfig, 'storage'> {
  const tls = listenerTls(listener);
  return {
    listener: {
      address: String(listener.address ?? '127.0.0.1:8200'),
      tlsDisable: tls === undefined,
      tls,
      clusterAddress: listener.cluster_address === undefined ? undefined : String(listener.cluster_address),
      unauthenticatedMetricsAccess: listenerTelemetry(listener),
    },
    apiAddr: tree.api_addr === undefined ? undefined : String(tree.api_addr),
    clusterAddr: tree.cluster_addr === undefined ? undefined : String(tree.cluster_addr),
    ui: tree.ui === undefined ? undefined : truthy(tree.ui),
  };
}

/** The listener's `telemetry { unauthenticated_metrics_access = true }` (off by default, as in Vault). */
function listenerTelemetry(listener: Record<string, unknown>): boolean | undefined {
  const t = listener.telemetry;
  if (t === undefined) return undefined;
  if (!t || typeof t !== 'object' || Array.isArray(t)) throw new UsageError('config: listener telemetry must be a block');
  return flag((t as Record<string, unknown>).unauthenticated_metrics_access, 'listener telemetry unauthenticated_metrics_access');
}

/** Reads and parses a config file. */
export function readServerConfig(file: string, notes: string[] = []): ServerConfig {
  return parseServerConfig(readFileSync(file, 'utf8'), notes);
}
