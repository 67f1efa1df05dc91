/**
 * The transit secrets engine (builtin/logical/transit): encryption as a service with named,
 * versioned keys that never leave the engine unless made exportable. This file only routes,
 * as the backend's path table does; names follow framework.GenericNameRegex, so a path with
 * any other name matches nothing and gets Vault's unsupported-path 404. All state is in the
 * mount's storage; the engine holds only the per-key locks that serialise changes to a key.
 */
import { UnsupportedPathError } from '../../../errors.ts';
import { KeyLocks } from '../../key-locks.ts';
import type { LogicalResponse } from '../../request.ts';
import type { Engine, EngineRequest } from '../engine.ts';
import { unsupportedOperation } from '../kv/field-data.ts';
import { checkExistence, routeRequest, type PathTable } from '../path-table.ts';
import { decrypt, encrypt, type KeyLock } from './encrypt-handlers.ts';
import { hmac, verify } from './hmac-handlers.ts';
import { configKey, createKey, deleteKey, exportKey, listKeys, readKey, rotateKey } from './key-handlers.ts';
import { readPolicy } from './key-policy.ts';
import { datakey, rewrap } from './rewrap-datakey.ts';

/** framework.GenericNameRegex(name): word characters, with '-', '.' and '@' inside. */
const name = (group: string) => `(?<${group}>\\w(?:[\\w.@-]*\\w)?)`;
/** framework.OptionalParamRegex(name): an optional `/<segment>`. */
const optional = (group: string) => `(?:/(?<${group}>.+))?`;
const path = (re: string) => new RegExp(`^${re}$`);

/** The transit engine (one per node, serving every transit mount). */
export class TransitEngine implements Engine {
  private readonly locks = new KeyLocks();
  private readonly lock: KeyLock = (req, key, fn) => this.locks.with(`${req.mount.uuid}/${key}`, fn);
  private readonly table: PathTable = {
    paths: [
      { pattern: /^keys\/?$/, operations: { list: (req) => listKeys(req) } },
      {
        pattern: path(`keys/${name('name')}`),
        operations: {
          update: (req, p) => createKey(req, p.name, this.lock),
          read: (req, p) => readKey(req, p.name),
          delete: (req, p) => deleteKey(req, p.name, this.lock),
        },
      },
      { pattern: path(`keys/${name('name')}/config`), operations: { update: (req, p) => configKey(req, p.name, this.lock) } },
      { pattern: path(`keys/${name('name')}/rotate`), operations: { update: (req, p) => rotateKey(req, p.name, this.lock) } },
      {
        // Vault's existence check: a write to a key that does not exist is a create (an upsert).
        pattern: path(`encrypt/${name('name')}`),
        operations: { update: (req, p) => encrypt(req, p.name, this.lock), create: (req, p) => encrypt(req, p.name, this.lock) },
        exists: async (req, p) => (await readPolicy(req.storage, p.name)) !== undefined,
      },
      { pattern: path(`decrypt/${name('name')}`), operations: { update: (req, p) => decrypt(req, p.name) } },
      { pattern: path(`rewrap/${name('name')}`), operations: { update: (req, p) => rewrap(req, p.name) } },
      { pattern: path(`datakey/${name('kind')}/${name('name')}`), operations: { update: (req, p) => datakey(req, p.kind, p.name) } },
      { pattern: path(`hmac/${name('name')}${optional('algorithm')}`), operations: { update: (req, p) => hmac(req, p.name, p.algorithm) } },
      {
        pattern: path(`verify/${name('name')}${optional('algorithm')}`),
        operations: { update: (req, p) => verify(req, p.name, p.algorithm) },
      },
      {
        pattern: path(`export/${name('type')}/${name('name')}${optional('version')}`),
        operations: { read: (req, p) => exportKey(req, p.type, p.name, p.version) },
      },
    ],
    unsupported: () => unsupportedOperation(),
    unmatched: () => new UnsupportedPathError(),
  };

  exists(req: EngineRequest): Promise<boolean | undefined> {
    return checkExistence(this.table, req);
  }

  handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    return routeRequest(this.table, req);
  }
}
