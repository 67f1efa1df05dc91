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
import { KeyLocks } from '../../key-locks.ts';
import { deleteLatest, patchData, readData, writeData } from './kv-v2-data.ts';
import { metadataOps } from './kv-v2-metadata.ts';
import { readMeta } from './kv-v2-store.ts';
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
          update: (req, { key }) => this.locked(req, key, () => writeData(req, key)),
          patch: (req, { key }) => this.locked(req, key, () => patchData(req, key)),
          delete: (req, { key }) => this.locked(req, key, () => deleteLatest(req, key)),
        },
        exists: keyExists,
        unsupported: invalidPath,
      },
      { pattern: /^metadata\/(?<key>.*)$/s, operations: this.metadataOperations(), exists: keyExists },
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
    const locked: PathHandler = (req, { key }) => this.locked(req, key, () => metadataOps(req, key));
    const write: PathHandler = async (req, params) => {
      if (!params.key) throw new BadRequestError('missing path');
      return locked(req, params);
    };
    return { read, list: read, update: write, patch: write, delete: locked };
  }

  /** Serialises read-modify-writes of one key of one mount. */
  private locked<T>(req: EngineRequest, key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.with(`${req.mount.uuid}/${key}`, fn);
  }
}

/** Only data/ and metadata/ have existence checks in the KV v2 plugin: does the key have metadata? */
async function keyExists(req: EngineRequest, { key }: PathParams): Promise<boolean | undefined> {
  if (!key) return undefined;
  return (await readMeta(req.storage, key)) !== undefined;
}
