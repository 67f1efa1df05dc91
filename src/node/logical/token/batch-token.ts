/**
 * Batch tokens (Vault's `hvb.` tokens): nothing is stored. The token is its own entry,
 * sealed with the barrier's active keyring term and written as `hvb.` + base64url, so any
 * unsealed node over the same keyring opens it and a sealed one cannot. Vault seals a
 * protobuf entry; the lab seals JSON of the same fields (no namespace, entity or CIDRs).
 */
import { DecryptError, type Barrier } from '../../../crypto/index.ts';
import type { TokenEntry } from './token-entry.ts';

export const BATCH_TOKEN_PREFIX = 'hvb.';

/**
 * The longest batch token a lookup will try to open. Vault sets none; the lab keeps the
 * work before authentication bounded (one base64 decode and one AES-GCM open of at most
 * this much), and refuses to create a token past it.
 */
export const MAX_BATCH_TOKEN_LENGTH = 4096;

/** The additional data of the seal, as Vault's token store passes "" to its encryptor. */
const CONTEXT = '';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The fields a batch token carries; the rest of its entry follows from being a batch token. */
interface Sealed {
  policies: string[];
  parentHash: string;
  path: string;
  meta: Record<string, string> | null;
  displayName: string;
  creationTime: number;
  ttl: number;
  role: string;
}

/** Whether an id names a batch token. */
export function isBatchToken(id: string): boolean {
  return id.startsWith(BATCH_TOKEN_PREFIX);
}

/** The token id of a batch entry: its fields sealed by the barrier. */
export function sealBatchToken(barrier: Barrier, e: TokenEntry): string {
  const fields: Sealed = {
    policies: e.policies,
    parentHash: e.parentHash,
    path: e.path,
    meta: e.meta,
    displayName: e.displayName,
    creationTime: e.creationTime,
    ttl: e.creationTtl,
    role: e.role,
  };
  const sealed = barrier.encrypt(CONTEXT, new TextEncoder().encode(JSON.stringify(fields)));
  return BATCH_TOKEN_PREFIX + Buffer.from(sealed).toString('base64url');
}

/**
 * The entry a batch token carries, or undefined when it is too long, not base64url, or does
 * not open under this keyring (forged, altered, or from another cluster). Expiry and the
 * parent are the store's to check.
 */
export function openBatchToken(barrier: Barrier, id: string): TokenEntry | undefined {
  if (!isBatchToken(id) || id.length > MAX_BATCH_TOKEN_LENGTH) return undefined;
  const body = id.slice(BATCH_TOKEN_PREFIX.length);
  if (!BASE64URL.test(body)) return undefined;
  let plain: Uint8Array;
  try {
    plain = barrier.decrypt(CONTEXT, Buffer.from(body, 'base64url'));
  } catch (err) {
    if (err instanceof DecryptError) return undefined;
    throw err; // sealed meanwhile: an error of the node, not a bad token
  }
  const f = JSON.parse(new TextDecoder().decode(plain)) as Sealed;
  return {
    id,
    accessor: '',
    policies: f.policies,
    path: f.path,
    meta: f.meta,
    displayName: f.displayName,
    numUses: 0,
    orphan: f.parentHash === '',
    parentHash: f.parentHash,
    creationTime: f.creationTime,
    creationTtl: f.ttl,
    explicitMaxTtl: 0,
    period: 0,
    expireTime: f.creationTime + f.ttl * 1000,
    lastRenewalTime: 0,
    renewable: false,
    type: 'batch',
    role: f.role,
  };
}
