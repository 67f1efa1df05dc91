/**
 * KV version 2 (vault-plugin-secrets-kv) with Vault's exact shapes. This file only
 * routes, as the plugin's path table does: config, data/, metadata/, delete/,
 * undelete/, destroy/, subkeys/, and a catch-all that answers any other path with a 404
 * and a warning pointing at `vault kv`. Read-modify-writes of one key are serialised.
 */
import { BadRequestError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { Engine, EngineRequest } from '../engine.ts';
import { unsupportedOperation } from './field-data.ts';
import { KeyLocks } from '../../key-locks.ts';
import { deleteLatest, patchData, readData, writeData } from './kv-v2-data.ts';
import { metadataOps } from './kv-v2-metadata.ts';
import { readMeta } from './kv-v2-store.ts';
import { configOps, readSubkeys, versionOps } from './kv-v2-versions.ts';

/** The paths whose bare name gets the "root of a K/V v2 mount" warning. */
const ROOTS = new Set(['metadata', 'data', 'delete', 'undelete', 'destroy']);
const SUBCOMMAND: Record<string, string> = { create: 'put', update: 'put', patch: 'patch', read: 'get', list: 'list', delete: 'delete' };

/** Vault's pathInvalid: a 404 envelope whose warning says which `vault kv` command to use. */
function invalidPath(req: EngineRequest): LogicalResponse {
  if (ROOTS.has(req.path)) return { status: 404, data: null, warnings: ['Non-listing operations on the root of a K/V v2 mount are not supported.'] };
  const sub = SUBCOMMAND[req.operation];
  return {
    status: 404,
    data: null,
    warnings: [`Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${sub}' for this operation.`],
  };
}

/** 'data/a/b' → ['data', 'a/b']; 'config' → ['config', undefined]. */
function split(path: string): [string, string | undefined] {
  const i = path.indexOf('/');
  return i < 0 ? [path, undefined] : [path.slice(0, i), path.slice(i + 1)];
}

const isWrite = (op: string) => op === 'create' || op === 'update';

/** The KV v2 engine (stateless: all state is in the mount's storage). */
export class KvV2Engine implements Engine {
  private readonly locks = new KeyLocks();

  async exists(req: EngineRequest): Promise<boolean | undefined> {
    const [section, key] = split(req.path);
    // Only data/ and metadata/ have existence checks in the KV v2 plugin.
    if ((section !== 'data' && section !== 'metadata') || !key) return undefined;
    return (await readMeta(req.storage, key)) !== undefined;
  }

  async handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    const op = req.operation;
    if (req.path === 'config') {
      if (op === 'read' || isWrite(op)) return configOps(req);
      throw unsupportedOperation();
    }
    const [section, key] = split(req.path);
    if (key === undefined) return invalidPath(req);
    switch (section) {
      case 'data':
        // data/ takes a key that is neither empty nor a folder.
        if (!key || key.endsWith('/')) return invalidPath(req);
        if (op === 'read') return readData(req, key);
        if (isWrite(op)) return this.locked(req, key, () => writeData(req, key));
        if (op === 'patch') return this.locked(req, key, () => patchData(req, key));
        if (op === 'delete') return this.locked(req, key, () => deleteLatest(req, key));
        return invalidPath(req);
      case 'metadata':
        if ((isWrite(op) || op === 'patch') && !key) throw new BadRequestError('missing path');
        return op === 'read' || op === 'list' ? metadataOps(req, key) : this.locked(req, key, () => metadataOps(req, key));
      case 'delete':
      case 'undelete':
      case 'destroy':
        if (!isWrite(op)) throw unsupportedOperation();
        return this.locked(req, key, () => versionOps(req, section, key));
      case 'subkeys':
        if (op !== 'read') throw unsupportedOperation();
        return readSubkeys(req, key);
      default:
        return invalidPath(req);
    }
  }

  /** Serialises read-modify-writes of one key of one mount. */
  private locked<T>(req: EngineRequest, key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.with(`${req.mount.uuid}/${key}`, fn);
  }
}
