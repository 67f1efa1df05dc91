/**
 * `hmac/:name(/:algorithm)` and the HMAC half of `verify/:name(/:algorithm)` (path_hmac.go,
 * path_sign_verify.go): an HMAC of base64 input under the version's own HMAC key, prefixed
 * `vault:vN:`, and its constant-time check. The key types the lab serves cannot sign, so a
 * verify with a signature is refused as Vault refuses it for these types.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BadRequestError, InternalError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { EngineRequest } from '../engine.ts';
import { fieldData, goValue, multierror } from '../kv/field-data.ts';
import { goTypeName } from './batch-input.ts';
import { base64 } from './go-base64.ts';
import { decodeUser, goAtoi, TransitUserError } from './key-crypto.ts';
import { hmacKeyBytes, readPolicy, type KeyPolicy } from './key-policy.ts';

/** keysutil.HashTypeMap's names, as node:crypto spells them (HashTypeNone has no HMAC). */
const HASHES: Record<string, string> = {
  sha1: 'sha1',
  'sha2-224': 'sha224',
  'sha2-256': 'sha256',
  'sha2-384': 'sha384',
  'sha2-512': 'sha512',
  'sha3-224': 'sha3-224',
  'sha3-256': 'sha3-256',
  'sha3-384': 'sha3-384',
  'sha3-512': 'sha3-512',
};

/**
 * Vault formats this with %q of the zero HashType it looked up (a uint32), so every unknown
 * name reads the same; the lab repeats Vault's text.
 */
const UNSUPPORTED_ALGORITHM = "unsupported algorithm '\\x00'";

const HMAC_SCHEMA = { input: 'string', algorithm: 'string', key_version: 'int' } as const;
const VERIFY_SCHEMA = { input: 'string', hmac: 'string', signature: 'string', algorithm: 'string', hash_algorithm: 'string' } as const;

type Item = Record<string, string>;

/** mapstructure.Decode of batch_input into []map[string]string. */
function hmacBatch(raw: unknown): Item[] {
  const fail = (why: string) => new InternalError(multierror([`failed to parse batch input: ${why}`]));
  if (!Array.isArray(raw)) throw fail(`'' source data must be an array or slice, got ${goKind(raw)}`);
  const errors: string[] = [];
  const items = raw.map((x, i) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) {
      errors.push(`'[${i}]' expected a map, got '${goKind(x)}'`);
      return {};
    }
    const item: Item = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
      if (typeof v === 'string') item[k] = v;
      else errors.push(`'[${i}][${k}]' expected type 'string', got unconvertible type '${goTypeName(v)}', value: '${goValue(v)}'`);
    }
    return item;
  });
  if (errors.length)
    throw fail(
      `${errors.length} error(s) decoding:\n\n${errors
        .map((e) => `* ${e}`)
        .sort()
        .join('\n')}`,
    );
  if (items.length === 0) throw new BadRequestError('missing batch input to process');
  return items;
}

/** reflect.Kind of a decoded JSON value as mapstructure names it (a json.Number is a string kind). */
function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'slice';
  if (v === null || v === undefined) return 'invalid';
  if (typeof v === 'object') return 'map';
  return typeof v === 'number' ? 'string' : typeof v;
}

/** The HMAC key of a version (Policy.HMACKey); versions Vault has archived are not there. */
function hmacKey(p: KeyPolicy, version: number): Uint8Array {
  if (version < 0) throw new TransitUserError('key version does not exist (cannot be negative)');
  if (version > p.latest_version) throw new TransitUserError(`key version does not exist; latest key version is ${p.latest_version}`);
  const key = version >= p.min_decryption_version ? hmacKeyBytes(p, version) : undefined;
  if (!key) throw new TransitUserError('no such key version');
  return key;
}

function mac(hash: string, key: Uint8Array, input: Uint8Array): Buffer {
  return createHmac(hash, key).update(input).digest();
}

/** The batch's per-item answers, or a single request's data or error. */
function answer(batch: boolean, results: Array<Record<string, unknown>>, items: Item[], field: string): LogicalResponse {
  if (batch) return { data: { batch_results: results.map((r, i) => ({ ...r, reference: items[i].reference ?? '' })) } };
  const r = results[0];
  if (r.error) throw new BadRequestError(r.error as string);
  return { data: { [field]: r[field] } };
}

/** POST hmac/:name(/:algorithm). */
export async function hmac(req: EngineRequest, name: string, urlAlgorithm: string): Promise<LogicalResponse> {
  const f = fieldData(req.data, HMAC_SCHEMA);
  const p = await readPolicy(req.storage, name);
  if (!p) throw new BadRequestError('encryption key not found');
  let version = f.key_version ?? 0;
  if (version === 0) version = p.latest_version;
  else if (version !== p.latest_version && p.min_encryption_version > 0 && version < p.min_encryption_version)
    throw new BadRequestError('cannot generate HMAC: version is too old (disallowed by policy)');
  let key: Uint8Array;
  try {
    key = hmacKey(p, version);
  } catch (e) {
    throw new BadRequestError((e as Error).message);
  }
  const hash = HASHES[urlAlgorithm || f.algorithm || 'sha2-256'];
  if (!hash) throw new BadRequestError(UNSUPPORTED_ALGORITHM);
  const batch = req.data.batch_input !== undefined && req.data.batch_input !== null;
  if (!batch && f.input === undefined) throw new BadRequestError('missing input for HMAC');
  const items = batch ? hmacBatch(req.data.batch_input) : [{ input: f.input! }];
  const results = items.map((it): Record<string, unknown> => {
    if (it.input === undefined) return { error: 'missing input for HMAC' };
    try {
      return { hmac: `vault:v${version}:${base64(mac(hash, key, decodeUser(it.input)))}` };
    } catch (e) {
      if (e instanceof TransitUserError) return { error: `unable to decode input as base64: ${e.message}` };
      throw e;
    }
  });
  return answer(batch, results, items, 'hmac');
}

/** One HMAC check (pathHMACVerify's loop body); `valid` false is left out of a batch item, as Go's omitempty does. */
function verifyOne(p: KeyPolicy, hash: string, it: Item): Record<string, unknown> {
  if (it.input === undefined) return { error: 'missing input' };
  let input: Uint8Array;
  try {
    input = decodeUser(it.input);
  } catch (e) {
    return { error: `unable to decode input as base64: ${(e as Error).message}` };
  }
  const given = it.hmac;
  if (given === undefined) return { error: 'missing hmac' };
  if (!given.startsWith('vault:v')) return { error: 'invalid HMAC to verify: no prefix' };
  const rest = given.slice('vault:v'.length);
  const colon = rest.indexOf(':');
  if (colon < 0) return { error: 'invalid HMAC: wrong number of fields' };
  const version = goAtoi(rest.slice(0, colon));
  if (version === undefined) return { error: 'invalid HMAC: version number could not be decoded' };
  let expected: Uint8Array;
  try {
    expected = decodeUser(rest.slice(colon + 1));
  } catch (e) {
    return { error: `unable to decode verification HMAC as base64: ${(e as Error).message}` };
  }
  if (version > p.latest_version) return { error: 'invalid HMAC: version is too new' };
  if (p.min_decryption_version > 0 && version < p.min_decryption_version)
    return { error: 'cannot verify HMAC: version is too old (disallowed by policy)' };
  let key: Uint8Array;
  try {
    key = hmacKey(p, version);
  } catch (e) {
    return { error: (e as Error).message };
  }
  const actual = mac(hash, key, input);
  const valid = actual.length === expected.length && timingSafeEqual(actual, expected);
  return valid ? { valid: true } : {};
}

/** POST verify/:name(/:algorithm): HMACs only (signatures need key types the lab does not serve). */
export async function verify(req: EngineRequest, name: string, urlAlgorithm: string): Promise<LogicalResponse> {
  const f = fieldData(req.data, VERIFY_SCHEMA);
  const batch = req.data.batch_input !== undefined && req.data.batch_input !== null;
  const items = batch ? hmacBatch(req.data.batch_input) : [singleVerifyItem(f)];
  const hmacFound = items.some((it) => it.hmac !== undefined);
  const sigFound = items.some((it) => it.signature !== undefined);
  if (!batch && hmacFound && sigFound) throw new BadRequestError("provide one of 'signature', 'hmac' or 'cmac'");
  if (!batch && !hmacFound && !sigFound) throw new BadRequestError("missing 'signature', 'hmac' or 'cmac' were given to verify");
  const p = await readPolicy(req.storage, name);
  if (!hmacFound) {
    if (!p) throw new BadRequestError('signature verification key not found');
    throw new BadRequestError(`message verification not supported for key type ${p.type}`);
  }
  if (!p) throw new BadRequestError('encryption key not found');
  const hash = HASHES[urlAlgorithm || f.hash_algorithm || f.algorithm || 'sha2-256'];
  if (!hash) throw new BadRequestError(UNSUPPORTED_ALGORITHM);
  const results = items.map((it) => verifyOne(p, hash, it));
  if (!batch && !results[0].error) return { data: { valid: results[0].valid === true } };
  return answer(batch, results, items, 'valid');
}

/** The single request's fields as the one item (an absent input is '', not an error). */
function singleVerifyItem(f: { input?: string; hmac?: string; signature?: string }): Item {
  const item: Item = { input: f.input ?? '' };
  if (f.hmac !== undefined) item.hmac = f.hmac;
  if (f.signature !== undefined) item.signature = f.signature;
  return item;
}
