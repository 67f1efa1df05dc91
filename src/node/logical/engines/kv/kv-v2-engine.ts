/**
 * KV version 2 (vault-plugin-secrets-kv) with Vault's exact shapes. This file only
 * routes, as the plugin's path table does: config, data/, metadata/, delete/,
 * undelete/, destroy/, subkeys/, and a catch-all that answers any other path with a 404
 * and a warning pointing at `vault kv`. Read-modify-writes of one key are serialised.
 */
import { BadRequestError } from '../../../errors.ts';
import type { LogicalResponse, Operation } from '../../request.ts';
import type { Engine, EngineRequest } from '../engine.ts';
import { checkExistence, routeRequest, type PathHandler, type PathOperations, type PathParams, type PathTable } from '../path-table.ts';
import { unsupportedOperation } from './field-data.ts';
import { KeyLocks, type KeyStamp } from '../../key-locks.ts';
import { deleteLatest, patchData, readData, writeData } from './kv-v2-data.ts';
import { metadataOps } from './kv-v2-metadata.ts';
import { readMeta, type KeyMeta } from './kv-v2-store.ts';
import { configOps, readSubkeys, versionOps, type VersionAction } from './kv-v2-versions.ts';

/** The paths whose bare name gets the "root of a K/V v2 mount" warning. */
const ROOTS = new Set(['metadata', 'data', 'delete', 'undelete', 'destroy']);
const ROOT_WARNING = 'Non-listing operations on the root of a K/V v2 mount are not supported.';
const SUBCOMMAND: Record<Operation, string> = { create: 'put', update: 'put', patch: 'patch', read: 'get', list: 'list', delete: 'delete' };

/** Vault's pathInvalid: a 404 envelope whose warning says which `vault kv` command to use. */
function invalidPath(req: EngineRequest): LogicalResponse {
  if (ROOTS.has(req.path)) return { status: 404, data: null, warnings: [ROOT_WARNING] };
  const warning =
    'Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. ' +
    `If using the Vault CLI, use 'vault kv ${SUBCOMMAND[req.operation]}' for this operation.`;
  return { status: 404, data: null, warnings: [warning] };
}

/** The KV v2 engine (stateless: all state is in the mount's storage). */
export class KvV2Engine implements Engine {
  private readonly locks = new KeyLocks();
  private readonly table: PathTable = {
    paths: [
      { pattern: /^config$/, operations: { read: configOps, update: configOps } },
      {
        // data/ takes a key that is neither empty nor a folder.
        pattern: /^data\/(?<key>.*[^/])$/s,
        operations: {
          read: (req, { key }) => readData(req, key),
          update: (req, { key }) => this.locked(req, key, () => writeData(req, key, this.metaReadBefore(req, key))),
          patch: (req, { key }) => this.locked(req, key, () => patchData(req, key)),
          delete: (req, { key }) => this.locked(req, key, () => deleteLatest(req, key)),
        },
        exists: (req, params) => this.keyExists(req, params),
        unsupported: invalidPath,
      },
      { pattern: /^metadata\/(?<key>.*)$/s, operations: this.metadataOperations(), exists: (req, params) => this.keyExists(req, params) },
      {
        pattern: /^(?<action>delete|undelete|destroy)\/(?<key>.*)$/s,
        operations: { update: (req, { action, key }) => this.locked(req, key, () => versionOps(req, action as VersionAction, key)) },
      },
      { pattern: /^subkeys\/(?<key>.*)$/s, operations: { read: (req, { key }) => readSubkeys(req, key) } },
    ],
    unsupported: () => unsupportedOperation(),
    unmatched: invalidPath,
  };

  exists(req: EngineRequest): Promise<boolean | undefined> {
    return checkExistence(this.table, req);
  }

  handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    return routeRequest(this.table, req);
  }

  /** metadata/<key>: reads and lists run unlocked; a write or patch needs a key. */
  private metadataOperations(): PathOperations {
    const read: PathHandler = (req, { key }) => metadataOps(req, key);
    const locked: PathHandler = (req, { key }) => this.locked(req, key, () => metadataOps(req, key, this.metaReadBefore(req, key)));
    const write: PathHandler = async (req, params) => {
      if (!params.key) throw new BadRequestError('missing path');
      return locked(req, params);
    };
    return { read, list: read, update: write, patch: write, delete: locked };
  }

  /** Serialises read-modify-writes of one key of one mount. */
  private locked<T>(req: EngineRequest, key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.with(lockName(req, key), fn);
  }

  /**
   * Only data/ and metadata/ have existence checks in the KV v2 plugin: does the key have
   * metadata? What it read is kept on the request with a stamp of the key's lock, so a write
   * can use it instead of reading the metadata again.
   */
  private async keyExists(req: EngineRequest, { key }: PathParams): Promise<boolean | undefined> {
    if (!key) return undefined;
    const stamp = this.locks.stamp(lockName(req, key));
    const meta = await readMeta(req.storage, key);
    if (req.existence && stamp) req.existence.record = { key, meta: meta ?? null, stamp } satisfies MetaRead;
    return meta !== undefined;
  }

  /**
   * The existence check's metadata for `key`, called under the key's lock: null when the key
   * had none, undefined when it must be read again. It is only good when no write to the key
   * ran since it was read (the lock's stamp says so: a holder then, or one since, voids it),
   * and the request handler drops it if the node left active meanwhile.
   */
  private metaReadBefore(req: EngineRequest, key: string): KeyMeta | null | undefined {
    const read = req.existence?.record as MetaRead | undefined;
    if (!read || read.key !== key) return undefined;
    req.existence!.record = undefined; // used once: the write changes it
    return this.locks.unchangedSince(lockName(req, key), read.stamp) ? read.meta : undefined;
  }
}

/** The metadata an existence check read, and the key lock's stamp from just before. */
interface MetaRead {
  key: string;
  meta: KeyMeta | null;
  stamp: KeyStamp;
}

function lockName(req: EngineRequest, key: string): string {
  return `${req.mount.uuid}/${key}`;
}
