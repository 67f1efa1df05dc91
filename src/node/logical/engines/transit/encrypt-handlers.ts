/**
 * `encrypt/:name` and `decrypt/:name` (path_encrypt.go, path_decrypt.go), one value or a
 * batch. Encrypt is an upsert: Vault's existence check makes a write to a missing key a
 * `create` (which the caller's policy must allow), and a create makes the key first.
 */
import { BadRequestError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { EngineRequest } from '../engine.ts';
import { fieldData } from '../kv/field-data.ts';
import { batchItems, batchStatus, checkContexts, type BatchItem } from './batch-input.ts';
import {
  associatedData,
  attempt,
  batchEntry,
  NONCE_NOT_ALLOWED,
  nonceAllowed,
  outcome,
  precheck,
  single,
  type ItemResult,
} from './item-results.ts';
import { decodeUser, decryptValue, encryptValue } from './key-crypto.ts';
import { createPolicy, KEY_TYPES, readPolicy, writePolicy, type KeyPolicy, type TransitKeyType } from './key-policy.ts';

/** Serialises changes to one key of one mount. */
export type KeyLock = <T>(req: EngineRequest, name: string, fn: () => Promise<T>) => Promise<T>;

const ENCRYPT_SCHEMA = {
  plaintext: 'string',
  context: 'string',
  nonce: 'string',
  type: 'string',
  convergent_encryption: 'bool',
  key_version: 'int',
  partial_failure_response_code: 'int',
  associated_data: 'string',
  padding_scheme: 'string',
} as const;

const DECRYPT_SCHEMA = {
  ciphertext: 'string',
  context: 'string',
  nonce: 'string',
  partial_failure_response_code: 'int',
  associated_data: 'string',
  padding_scheme: 'string',
} as const;

/** The item fields a single (non-batch) request carries. */
function singleItem(f: Partial<Record<keyof BatchItem, string | number>>): BatchItem {
  return {
    plaintext: String(f.plaintext ?? ''),
    ciphertext: String(f.ciphertext ?? ''),
    context: String(f.context ?? ''),
    nonce: String(f.nonce ?? ''),
    associated_data: String(f.associated_data ?? ''),
    reference: '',
    key_version: Number(f.key_version ?? 0),
  };
}

/** The key type an upsert creates, refused in Vault's words when it is not one it can encrypt with. */
function upsertType(type: string | undefined): TransitKeyType {
  const t = type ?? 'aes256-gcm96';
  if ((KEY_TYPES as readonly string[]).includes(t)) return t as TransitKeyType;
  if (/^ecdsa-p(256|384|521)$/.test(t)) throw new BadRequestError(`key type ${t} not supported for this operation`);
  // The lab serves two of Vault's symmetric types; every other name gets Vault's answer to an unknown one.
  throw new BadRequestError(`unknown key type ${t}`);
}

/** The key an encrypt uses: read, or on a create made first under the key's lock; also whether this request made it. */
async function keyForEncrypt(
  req: EngineRequest,
  name: string,
  f: { type?: string; convergent_encryption?: boolean },
  contextSet: boolean,
  lock: KeyLock,
): Promise<[KeyPolicy, boolean]> {
  if (req.operation !== 'create') {
    const p = await readPolicy(req.storage, name);
    if (!p) throw new BadRequestError('encryption key not found');
    return [p, false];
  }
  if (f.convergent_encryption && !contextSet)
    throw new BadRequestError('convergent encryption requires derivation to be enabled, so context is required');
  const type = upsertType(f.type);
  // Lab difference: a context on an upsert would make a derived key, which the lab does not implement.
  if (contextSet) throw new BadRequestError('key derivation is not supported by this lab');
  return lock(req, name, async () => {
    const existing = await readPolicy(req.storage, name);
    if (existing) return [existing, false];
    const p = createPolicy({ name, type }, req.clock.now());
    await writePolicy(req.storage, p);
    return [p, true];
  });
}

/** POST encrypt/:name. */
export async function encrypt(req: EngineRequest, name: string, lock: KeyLock): Promise<LogicalResponse> {
  const f = fieldData(req.data, ENCRYPT_SCHEMA);
  const batch = batchItems(req.data, 'plaintext');
  if (!batch && f.plaintext === undefined) throw new BadRequestError('missing plaintext to encrypt');
  const items = batch ?? [singleItem(f)];
  checkContexts(items);
  const early = items.map((it) => attempt(() => (decodeUser(it.plaintext), {})).error ?? precheck(it)?.error);
  const [p, made] = await keyForEncrypt(req, name, f, items[0].context !== '', lock);
  const results: ItemResult[] = items.map((it, i) => {
    if (early[i]) return { error: early[i] };
    if (it.nonce && !nonceAllowed(p)) return { error: NONCE_NOT_ALLOWED };
    return attempt(() => {
      const ciphertext = encryptValue(p, it.key_version, it.plaintext, associatedData(it));
      return { ciphertext, key_version: it.key_version || p.latest_version };
    });
  });
  const warnings =
    req.operation === 'create' && !made
      ? ['Attempted creation of the key during the encrypt operation, but it was created beforehand']
      : undefined;
  if (!batch) return { data: single(results[0]), warnings };
  const data = { batch_results: results.map((r, i) => batchEntry(r, items[i], ['ciphertext', 'key_version'])) };
  return batchStatus({ data, warnings }, f.partial_failure_response_code, outcome(results));
}

/** POST decrypt/:name. */
export async function decrypt(req: EngineRequest, name: string): Promise<LogicalResponse> {
  const f = fieldData(req.data, DECRYPT_SCHEMA);
  const batch = batchItems(req.data, 'ciphertext');
  if (!batch && !f.ciphertext) throw new BadRequestError('missing ciphertext to decrypt');
  const items = batch ?? [singleItem(f)];
  checkContexts(items);
  const early = items.map((it) => (it.ciphertext === '' ? { error: 'missing ciphertext to decrypt' } : precheck(it)));
  const p = await readPolicy(req.storage, name);
  if (!p) throw new BadRequestError('encryption key not found');
  const results: ItemResult[] = items.map(
    (it, i) => early[i] ?? attempt(() => ({ plaintext: decryptValue(p, it.ciphertext, associatedData(it)) })),
  );
  if (!batch) return { data: single(results[0]) };
  const data = { batch_results: results.map((r, i) => batchEntry({ ...r, fields: { plaintext: '', ...r.fields } }, items[i], [])) };
  return batchStatus({ data }, f.partial_failure_response_code, outcome(results));
}
