/**
 * Managing named keys (path_keys.go, path_keys_config.go, path_rotate.go, path_export.go):
 * create (an upsert), read, list, delete (only once deletion_allowed is set), config, rotate
 * and export of an exportable key. Every change is a read-modify-write of the key's record
 * under the key's lock, so concurrent rotations and configs never lose a version.
 */
import { BadRequestError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { EngineRequest } from '../engine.ts';
import { listing } from '../path-table.ts';
import { fieldData } from '../kv/field-data.ts';
import type { KeyLock } from './encrypt-handlers.ts';
import { goAtoi } from './key-crypto.ts';
import { createPolicy, formatPolicy, KEY_TYPES, policyKey, readPolicy, rotated, writePolicy, type TransitKeyType } from './key-policy.ts';

const CREATE_SCHEMA = {
  type: 'string',
  derived: 'bool',
  convergent_encryption: 'bool',
  exportable: 'bool',
  allow_plaintext_backup: 'bool',
  context: 'string',
  auto_rotate_period: 'durationSecond',
  key_size: 'int',
  managed_key_name: 'string',
  managed_key_id: 'string',
} as const;

const CONFIG_SCHEMA = {
  min_decryption_version: 'int',
  min_encryption_version: 'int',
  deletion_allowed: 'bool',
  exportable: 'bool',
  allow_plaintext_backup: 'bool',
  auto_rotate_period: 'durationSecond',
} as const;

/** An hour: the shortest auto-rotation period Vault takes. */
const HOUR = 3600;

/** POST keys/:name: creates the key, or answers the existing one with a warning. */
export async function createKey(req: EngineRequest, name: string, lock: KeyLock): Promise<LogicalResponse> {
  const f = fieldData(req.data, CREATE_SCHEMA);
  const period = f.auto_rotate_period ?? 0;
  if (period !== 0 && period < HOUR) throw new BadRequestError('auto rotate period must be 0 to disable or at least an hour');
  if (!f.derived && f.convergent_encryption) throw new BadRequestError('convergent encryption requires derivation to be enabled');
  const type = f.type ?? 'aes256-gcm96';
  // The lab serves two of Vault's types; every other name gets Vault's answer to an unknown one.
  if (!(KEY_TYPES as readonly string[]).includes(type)) throw new BadRequestError(`unknown key type ${type}`);
  if (f.key_size) throw new BadRequestError(`key_size is not valid for algorithm ${type}`);
  // Lab difference: derived keys (per-context keys) are not implemented.
  if (f.derived) throw new BadRequestError('key derivation is not supported by this lab');
  return lock(req, name, async () => {
    const existing = await readPolicy(req.storage, name);
    if (existing) return { data: formatPolicy(existing), warnings: [`key ${name} already existed`] };
    const p = createPolicy(
      {
        name,
        type: type as TransitKeyType,
        exportable: f.exportable,
        allowPlaintextBackup: f.allow_plaintext_backup,
        autoRotatePeriod: period,
      },
      req.clock.now(),
    );
    await writePolicy(req.storage, p);
    return { data: formatPolicy(p) };
  });
}

/** GET keys/:name (404 when there is none). */
export async function readKey(req: EngineRequest, name: string): Promise<LogicalResponse | undefined> {
  const p = await readPolicy(req.storage, name);
  return p && { data: formatPolicy(p) };
}

/** LIST keys/: the names, leaving out folders (a name never holds a '/'). */
export async function listKeys(req: EngineRequest): Promise<LogicalResponse | undefined> {
  return listing((await req.storage.list('policy/')).filter((k) => !k.endsWith('/')));
}

/** DELETE keys/:name. */
export async function deleteKey(req: EngineRequest, name: string, lock: KeyLock): Promise<undefined> {
  return lock(req, name, async () => {
    const p = await readPolicy(req.storage, name);
    if (!p) throw new BadRequestError(`error deleting policy ${name}: could not delete key; not found`);
    if (!p.deletion_allowed) throw new BadRequestError(`error deleting policy ${name}: deletion is not allowed for this key`);
    // Vault also deletes archive/<name>; the lab keeps every version in the one record.
    await req.storage.delete(policyKey(name));
    return undefined;
  });
}

/** POST keys/:name/rotate: a new latest version. */
export async function rotateKey(req: EngineRequest, name: string, lock: KeyLock): Promise<LogicalResponse> {
  return lock(req, name, async () => {
    const p = await readPolicy(req.storage, name);
    if (!p) throw new BadRequestError('key not found');
    const next = rotated(p, req.clock.now());
    await writePolicy(req.storage, next);
    return { data: formatPolicy(next) };
  });
}

/** POST keys/:name/config, checked in Vault's order; a refused config writes nothing. */
export async function configKey(req: EngineRequest, name: string, lock: KeyLock): Promise<LogicalResponse> {
  const f = fieldData(req.data, CONFIG_SCHEMA);
  return lock(req, name, async () => {
    const p = await readPolicy(req.storage, name);
    if (!p) throw new BadRequestError(`no existing key named ${name} could be found`);
    const next = { ...p };
    let warning: string | undefined;
    if (f.min_decryption_version !== undefined) {
      let v = f.min_decryption_version;
      if (v < 0) throw new BadRequestError('min decryption version cannot be negative');
      if (v === 0) {
        v = 1;
        warning = 'since Vault 0.3, transit key numbering starts at 1; forcing minimum to 1';
      }
      if (v !== next.min_decryption_version && v > next.latest_version)
        throw new BadRequestError(`cannot set min decryption version of ${v}, latest key version is ${next.latest_version}`);
      next.min_decryption_version = v;
    }
    if (f.min_encryption_version !== undefined) {
      const v = f.min_encryption_version;
      if (v < 0) throw new BadRequestError('min encryption version cannot be negative');
      if (v !== next.min_encryption_version && v > next.latest_version)
        throw new BadRequestError(`cannot set min encryption version of ${v}, latest key version is ${next.latest_version}`);
      next.min_encryption_version = v;
    }
    if (next.min_encryption_version > 0 && next.min_encryption_version < next.min_decryption_version)
      throw new BadRequestError(
        `cannot set min encryption/decryption values; min encryption version of ${next.min_encryption_version} must be greater than or equal to min decryption version of ${next.min_decryption_version}`,
      );
    if (f.deletion_allowed !== undefined) next.deletion_allowed = f.deletion_allowed;
    // exportable and allow_plaintext_backup can be set, never unset.
    if (f.exportable) next.exportable = true;
    if (f.allow_plaintext_backup) next.allow_plaintext_backup = true;
    if (f.auto_rotate_period !== undefined) {
      if (f.auto_rotate_period !== 0 && f.auto_rotate_period < HOUR)
        throw new BadRequestError('auto rotate period must be 0 to disable or at least an hour');
      next.auto_rotate_period = f.auto_rotate_period;
    }
    if (JSON.stringify(next) !== JSON.stringify(p)) await writePolicy(req.storage, next);
    return { data: formatPolicy(next), warnings: warning ? [warning] : undefined };
  });
}

/** What each export type returns of a version: its AEAD key or its HMAC key. */
const EXPORTS: Record<string, 'key' | 'hmac_key' | undefined> = {
  'encryption-key': 'key',
  'hmac-key': 'hmac_key',
  'signing-key': undefined,
};

/** GET export/:type/:name(/:version), for a key created or configured exportable. */
export async function exportKey(req: EngineRequest, type: string, name: string, version: string): Promise<LogicalResponse | undefined> {
  if (!(type in EXPORTS) && type !== 'public-key') throw new BadRequestError(`invalid export type: ${type}`);
  const p = await readPolicy(req.storage, name);
  if (!p) return undefined;
  if (!p.exportable && type !== 'public-key') throw new BadRequestError('key is not exportable');
  const field = EXPORTS[type];
  if (!field) throw new BadRequestError(`${type === 'public-key' ? 'public key' : 'signing'} not supported for the key`);
  let versions: number[];
  if (version) {
    const v = version === 'latest' ? p.latest_version : goAtoi(version.replace(/^v/, ''));
    if (v === undefined) throw new BadRequestError('invalid key version');
    if (v < p.min_decryption_version) throw new BadRequestError('version for export is below minimum decryption version');
    if (!p.keys[String(v)]) throw new BadRequestError('version does not exist or cannot be found');
    versions = [v];
  } else {
    versions = Object.keys(p.keys)
      .map(Number)
      .filter((v) => v >= p.min_decryption_version);
  }
  const keys = Object.fromEntries(versions.map((v) => [String(v), p.keys[String(v)][field]]));
  return { data: { name: p.name, type: p.type, keys } };
}
