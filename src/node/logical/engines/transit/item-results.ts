/**
 * What encrypt, decrypt and rewrap share: running one step per batch item while keeping each
 * item's error apart, turning a single request's error into Vault's 400 (or 500), and the
 * per-item checks of the input before the key is even read.
 */
import { BadRequestError, InternalError } from '../../../errors.ts';
import { multierror } from '../kv/field-data.ts';
import type { BatchItem, BatchOutcome } from './batch-input.ts';
import { decodeUser, TransitUserError } from './key-crypto.ts';
import type { KeyPolicy } from './key-policy.ts';

/** One item's outcome: its result fields, or its error and whether that was the server's fault. */
export interface ItemResult {
  fields?: Record<string, unknown>;
  error?: string;
  internal?: boolean;
}

/** errutil.InternalError: a failure that is not the caller's (a 500, or a batch item's error). */
export class TransitInternalError extends Error {}

/** Vault's ErrNonceNotAllowed. */
export const NONCE_NOT_ALLOWED = 'provided nonce not allowed for this key';

/** Runs `step`, catching a user or internal error as the item's error. */
export function attempt(step: () => Record<string, unknown>): ItemResult {
  try {
    return { fields: step() };
  } catch (e) {
    if (e instanceof TransitUserError) return { error: e.message };
    if (e instanceof TransitInternalError) return { error: e.message, internal: true };
    throw e;
  }
}

/** Checks an item's context and nonce decode (Vault decodes both before reading the key). */
export function precheck(item: BatchItem): ItemResult | undefined {
  for (const v of [item.context, item.nonce]) {
    if (!v) continue;
    try {
      decodeUser(v);
    } catch (e) {
      if (e instanceof TransitUserError) return { error: e.message };
      throw e;
    }
  }
  return undefined;
}

/** The associated data of an item (AssocDataFactory): base64, whose failure Vault reports as internal. */
export function associatedData(item: BatchItem): Uint8Array {
  if (!item.associated_data) return new Uint8Array(0);
  try {
    return decodeUser(item.associated_data);
  } catch (e) {
    throw new TransitInternalError(`unable to get associated_data/additional_data from factory[0]: ${(e as Error).message}`);
  }
}

/** Whether a key takes a caller's nonce: only v1 convergent keys do, which the lab does not create. */
export function nonceAllowed(_p: KeyPolicy): boolean {
  return false;
}

/** How a batch's items fared, for its status. */
export function outcome(results: readonly ItemResult[]): BatchOutcome {
  return {
    successes: results.some((r) => !r.error),
    userErrors: results.some((r) => r.error && !r.internal),
    internalErrors: results.some((r) => r.error && r.internal),
  };
}

/** A single request's answer: its fields, or its error as Vault's 400 (500 when internal). */
export function single(r: ItemResult): Record<string, unknown> {
  if (!r.error) return r.fields!;
  if (r.internal) throw new InternalError(multierror([r.error]));
  throw new BadRequestError(r.error);
}

/** A batch item as Vault serialises it: `emptyFields` are dropped when empty (omitempty), `reference` always kept. */
export function batchEntry(r: ItemResult, item: BatchItem, omitEmpty: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(r.fields ?? {}) };
  for (const k of omitEmpty) if (out[k] === '' || out[k] === 0 || out[k] === undefined) delete out[k];
  if (r.error) out.error = r.error;
  out.reference = item.reference;
  return out;
}
