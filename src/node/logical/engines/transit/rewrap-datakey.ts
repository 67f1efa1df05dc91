/**
 * `rewrap/:name` (path_rewrap.go): decrypt with whichever version a ciphertext names and
 * encrypt again with the latest (or a given) version, one value or a batch, never showing the
 * plaintext; a batch answers 200 even with failed items, as Vault's rewrap does. And
 * `datakey/plaintext|wrapped/:name` (path_datakey.go): a fresh random key of 128, 256 or 512
 * bits sealed under the named key, returned with its plaintext or without it.
 */
import { randomKey } from '../../../../crypto/index.ts';
import { BadRequestError, InternalError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { EngineRequest } from '../engine.ts';
import { fieldData, multierror } from '../kv/field-data.ts';
import { batchItems, checkContexts, type BatchItem } from './batch-input.ts';
import { base64 } from './go-base64.ts';
import { attempt, batchEntry, NONCE_NOT_ALLOWED, nonceAllowed, precheck, single, type ItemResult } from './item-results.ts';
import { decodeUser, decryptValue, encryptValue } from './key-crypto.ts';
import { readPolicy } from './key-policy.ts';

const REWRAP_SCHEMA = { ciphertext: 'string', context: 'string', nonce: 'string', key_version: 'int' } as const;

const DATAKEY_SCHEMA = { context: 'string', nonce: 'string', bits: 'int', key_version: 'int', padding_scheme: 'string' } as const;

const NO_AAD = new Uint8Array(0);

/** POST rewrap/:name. */
export async function rewrap(req: EngineRequest, name: string): Promise<LogicalResponse> {
  const f = fieldData(req.data, REWRAP_SCHEMA);
  const batch = batchItems(req.data, 'ciphertext');
  if (!batch && !f.ciphertext) throw new BadRequestError('missing ciphertext to decrypt');
  const items: BatchItem[] = batch ?? [
    {
      plaintext: '',
      ciphertext: f.ciphertext!,
      context: f.context ?? '',
      nonce: f.nonce ?? '',
      associated_data: '',
      reference: '',
      key_version: f.key_version ?? 0,
    },
  ];
  checkContexts(items);
  const early = items.map((it) => (it.ciphertext === '' ? { error: 'missing ciphertext to decrypt' } : precheck(it)));
  const p = await readPolicy(req.storage, name);
  if (!p) throw new BadRequestError('encryption key not found');
  const results: ItemResult[] = items.map((it, i) => {
    if (early[i]) return early[i]!;
    if (it.nonce && !nonceAllowed(p)) return { error: NONCE_NOT_ALLOWED };
    return attempt(() => {
      const plaintext = decryptValue(p, it.ciphertext, NO_AAD);
      const ciphertext = encryptValue(p, it.key_version, plaintext, NO_AAD);
      return { ciphertext, key_version: it.key_version || p.latest_version };
    });
  });
  if (!batch) return { data: single(results[0]) };
  return { data: { batch_results: results.map((r, i) => batchEntry(r, items[i], ['ciphertext', 'key_version'])) } };
}

/** Key lengths a data key may have, in bytes by bits. */
const DATAKEY_BYTES: Record<number, number> = { 128: 16, 256: 32, 512: 64 };

/** POST datakey/:plaintext/:name, in Vault's order of checks. */
export async function datakey(req: EngineRequest, kind: string, name: string): Promise<LogicalResponse> {
  const f = fieldData(req.data, DATAKEY_SCHEMA);
  if (kind !== 'plaintext' && kind !== 'wrapped') throw new BadRequestError("Invalid path, must be 'plaintext' or 'wrapped'");
  for (const [field, v] of [
    ['context', f.context],
    ['nonce', f.nonce],
  ] as const) {
    if (!v) continue;
    try {
      decodeUser(v);
    } catch {
      throw new BadRequestError(`failed to base64-decode ${field}`);
    }
  }
  const p = await readPolicy(req.storage, name);
  if (!p) throw new BadRequestError('encryption key not found');
  const bytes = DATAKEY_BYTES[f.bits ?? 256];
  if (!bytes) throw new BadRequestError('invalid bit length');
  const key = randomKey(bytes);
  const version = f.key_version ?? 0;
  const r = attempt(() => ({ ciphertext: encryptValue(p, version, base64(key), NO_AAD), key_version: version || p.latest_version }));
  const data = single(r);
  // Vault returns this one as a plain error: a 500.
  if (f.nonce && !nonceAllowed(p)) throw new InternalError(multierror([NONCE_NOT_ALLOWED]));
  if (kind === 'plaintext') data.plaintext = base64(key);
  key.fill(0);
  return { data };
}
