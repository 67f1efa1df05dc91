/**
 * Encrypting and decrypting one value with a key (Policy.EncryptWithFactory and
 * DecryptWithFactory): the version checks, the `vault:v<N>:` prefix and its parsing, and the
 * user errors in Vault's words, which a batch reports per item and a single request as a 400.
 */
import { TRANSIT_NONCE_BYTES, transitOpen, transitSeal } from '../../../../crypto/index.ts';
import { base64, GoBase64Error, goBase64Decode } from './go-base64.ts';
import { keyBytes, type KeyPolicy, type TransitKeyType } from './key-policy.ts';

/** errutil.UserError: the caller's mistake, reported in its words (a 400, or a batch item's error). */
export class TransitUserError extends Error {}

/** Vault's ErrTooOld. */
export const ERR_TOO_OLD = 'ciphertext or signature version is disallowed by policy (too old)';

/** Go's error text when an AEAD does not authenticate, per cipher package. */
const AUTH_FAILED: Record<TransitKeyType, string> = {
  'aes256-gcm96': 'cipher: message authentication failed',
  'chacha20-poly1305': 'chacha20poly1305: message authentication failed',
};

/** The version prefix of a ciphertext (the default version template). */
export function versionPrefix(version: number): string {
  return `vault:v${version}:`;
}

/** Decodes base64 as Go does, turning its error into a user error with Go's text. */
export function decodeUser(s: string): Uint8Array {
  try {
    return goBase64Decode(s);
  } catch (e) {
    if (e instanceof GoBase64Error) throw new TransitUserError(e.message);
    throw e;
  }
}

/** The version an encryption uses: 0 is the latest; others must lie within the policy's bounds. */
export function encryptionVersion(p: KeyPolicy, requested: number, what = 'encryption'): number {
  if (requested === 0) return p.latest_version;
  if (requested < 0) throw new TransitUserError(`requested version for ${what} is negative`);
  if (requested > p.latest_version) throw new TransitUserError(`requested version for ${what} is higher than the latest key version`);
  if (requested < p.min_encryption_version)
    throw new TransitUserError(`requested version for ${what} is less than the minimum encryption key version`);
  return requested;
}

/** Encrypts base64 `plaintextB64` with version `requested` (0: latest); returns `vault:vN:<base64>`. */
export function encryptValue(p: KeyPolicy, requested: number, plaintextB64: string, aad: Uint8Array): string {
  const plaintext = decodeUser(plaintextB64);
  const version = encryptionVersion(p, requested);
  const key = keyBytes(p, version);
  if (!key) throw new TransitUserError('no such key version');
  return versionPrefix(version) + base64(transitSeal(p.type, key, plaintext, aad));
}

/** The version a `vault:vN:` value names and its payload, checked against the policy as Vault checks a ciphertext. */
export function parseVersioned(p: KeyPolicy, value: string): [number, string] {
  if (!value.startsWith('vault:v')) throw new TransitUserError('invalid ciphertext: no prefix');
  const rest = value.slice('vault:v'.length);
  const colon = rest.indexOf(':');
  if (colon < 0) throw new TransitUserError('invalid ciphertext: wrong number of fields');
  let version = goAtoi(rest.slice(0, colon));
  if (version === undefined) throw new TransitUserError('invalid ciphertext: version number could not be decoded');
  // Keys once started at version 0: Vault reads v0 as v1.
  if (version === 0) version = 1;
  if (version > p.latest_version) throw new TransitUserError('invalid ciphertext: version is too new');
  if (p.min_decryption_version > 0 && version < p.min_decryption_version) throw new TransitUserError(ERR_TOO_OLD);
  return [version, rest.slice(colon + 1)];
}

/** Decrypts a `vault:vN:` ciphertext; returns the plaintext in base64. */
export function decryptValue(p: KeyPolicy, value: string, aad: Uint8Array): string {
  const [version, payload] = parseVersioned(p, value);
  let sealed: Uint8Array;
  try {
    sealed = goBase64Decode(payload);
  } catch {
    throw new TransitUserError('invalid ciphertext: could not decode base64');
  }
  const key = keyBytes(p, version);
  if (!key) throw new TransitUserError('no such key version');
  if (sealed.length < TRANSIT_NONCE_BYTES) throw new TransitUserError('invalid ciphertext length');
  const plain = transitOpen(p.type, key, sealed, aad);
  if (!plain) throw new TransitUserError(AUTH_FAILED[p.type]);
  return base64(plain);
}

/** strconv.Atoi: an optional sign and decimal digits within int64, else undefined. */
export function goAtoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
