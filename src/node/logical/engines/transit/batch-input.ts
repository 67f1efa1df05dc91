/**
 * Transit's batch_input (decodeBatchRequestItems) and the status a batch answers with
 * (batchRequestResponse). An item that is not a map, or a field of the wrong type, fails the
 * whole request with mapstructure's words, as a 500 (Vault returns it as a plain error); a
 * bad value inside a well-formed item is that item's error, and the batch still answers.
 */
import { BadRequestError, InternalError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import { goValue, multierror } from '../kv/field-data.ts';

/** One decoded item (BatchRequestItem), strings defaulting to ''. */
export interface BatchItem {
  plaintext: string;
  ciphertext: string;
  context: string;
  nonce: string;
  associated_data: string;
  reference: string;
  key_version: number;
}

const STRING_FIELDS = ['context', 'ciphertext', 'plaintext', 'nonce', 'associated_data', 'reference'] as const;

/** Go's %T of a decoded JSON value. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return 'json.Number';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/** The request-wide failure Vault reports for undecodable batch input. */
function parseFailure(why: string): InternalError {
  return new InternalError(multierror([`failed to parse batch input: ${why}`]));
}

function decodeItem(raw: Record<string, unknown>, i: number, require: 'plaintext' | 'ciphertext', errors: string[]): BatchItem {
  const item: BatchItem = { plaintext: '', ciphertext: '', context: '', nonce: '', associated_data: '', reference: '', key_version: 0 };
  for (const f of STRING_FIELDS) {
    if (!(f in raw)) {
      if (f === require) errors.push(`'[${i}].${f}' missing ${f === 'plaintext' ? 'plaintext to encrypt' : 'ciphertext to decrypt'}`);
      continue;
    }
    const v = raw[f];
    // A JSON null is "not given", except for plaintext, which Vault refuses to take as null.
    if (v === null && f !== 'plaintext') continue;
    if (typeof v === 'string') item[f] = v;
    else errors.push(`'[${i}].${f}' expected type 'string', got unconvertible type '${goTypeName(v)}'`);
  }
  const kv = raw.key_version;
  if (kv !== undefined && kv !== null) {
    if (typeof kv === 'number' && Number.isInteger(kv)) item.key_version = kv;
    else if (typeof kv === 'number')
      errors.push(`error decoding json.Number into [${i}].key_version: strconv.ParseInt: parsing "${goValue(kv)}": invalid syntax`);
    else errors.push(`'[${i}].key_version' expected type 'int', got unconvertible type '${goTypeName(kv)}'`);
  }
  return item;
}

/** The batch's items, or undefined when the request has no batch_input; throws Vault's errors. */
export function batchItems(data: Record<string, unknown>, require: 'plaintext' | 'ciphertext'): BatchItem[] | undefined {
  const raw = data.batch_input;
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw parseFailure(`source data must be an array or slice, got ${goTypeName(raw)}`);
  const errors: string[] = [];
  const items = raw.map((x, i) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) throw parseFailure(`[${i}] expected a map, got '${goTypeName(x)}'`);
    return decodeItem(x as Record<string, unknown>, i, require, errors);
  });
  if (errors.length) {
    const points = errors.map((e) => `* ${e}`).sort();
    throw parseFailure(`${errors.length} error(s) decoding:\n\n${points.join('\n')}`);
  }
  if (items.length === 0) throw new BadRequestError('missing batch input to process');
  return items;
}

/** Every item sets context, or none does (Vault refuses a mix before doing anything). */
export function checkContexts(items: readonly BatchItem[]): void {
  const set = items[0].context !== '';
  if (items.some((it) => (it.context !== '') !== set))
    throw new BadRequestError('context should be set either in all the request blocks or in none');
}

/** How the items of a batch fared. */
export interface BatchOutcome {
  successes: boolean;
  userErrors: boolean;
  internalErrors: boolean;
}

/**
 * batchRequestResponse: a batch with a failed item answers 400 (500 when only internal errors
 * failed), or partial_failure_response_code when some item succeeded and the code is valid.
 */
export function batchStatus(resp: LogicalResponse, partialCode: number | undefined, o: BatchOutcome): LogicalResponse {
  if (!o.userErrors && !o.internalErrors) return resp;
  let code = o.userErrors ? 400 : 500;
  if (partialCode !== undefined && o.successes) {
    const wanted = partialCode;
    if (wanted < 1 || wanted > 599) {
      resp.warnings = [
        ...(resp.warnings ?? []),
        `invalid HTTP response code override from partial_failure_response_code, reverting to ${code}`,
      ];
    } else code = wanted;
  }
  return { ...resp, status: code };
}
