/**
 * Shamir's secret sharing for the unseal key, with Vault's rules around it: its seal
 * configuration checks and messages, 1-of-1 (the share *is* the key, which the library
 * refuses to split), and its way of reading a share typed by a person (hex, else base64).
 */
import { combine, split } from 'shamir-secret-sharing';
import { KeyShareError, SealConfigError } from './errors.ts';

/** Checks shares/threshold as Vault's SealConfig.Validate does. */
export function validateSealConfig(c: { secretShares: number; secretThreshold: number }): void {
  const { secretShares: n, secretThreshold: t } = c;
  if (n < 1) throw new SealConfigError('shares must be at least one');
  if (t < 1) throw new SealConfigError('threshold must be at least one');
  if (n > 1 && t === 1) throw new SealConfigError('threshold must be greater than one for multiple shares');
  if (n > 255) throw new SealConfigError('shares must be less than 256');
  if (t > 255) throw new SealConfigError('threshold must be less than 256');
  if (t > n) throw new SealConfigError('threshold cannot be larger than shares');
}

/** Splits the key into n shares (key length + 1 byte each); 1-of-1 returns a copy of the key. */
export async function splitKey(key: Uint8Array, shares: number, threshold: number): Promise<Uint8Array[]> {
  validateSealConfig({ secretShares: shares, secretThreshold: threshold });
  if (shares === 1) return [new Uint8Array(key)];
  return split(new Uint8Array(key), shares, threshold);
}

/** Rebuilds the key from shares (one part = the key itself); library errors become a coded error. */
export async function combineShares(parts: Uint8Array[]): Promise<Uint8Array> {
  if (parts.length === 1) return new Uint8Array(parts[0]);
  try {
    return await combine(parts.map((p) => new Uint8Array(p)));
  } catch (err) {
    throw new KeyShareError(`failed to compute combined key: ${(err as Error).message}`);
  }
}

const MIN_KEY = 16;
const MAX_KEY = 33; // a 32-byte key plus Shamir's one-byte x coordinate

function strictHex(s: string): Uint8Array | undefined {
  return s.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(s) ? new Uint8Array(Buffer.from(s, 'hex')) : undefined;
}

function strictBase64(s: string): Uint8Array | undefined {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s) ? new Uint8Array(Buffer.from(s, 'base64')) : undefined;
}

/** Reads an unseal share as `sys/unseal` does: hex first, base64 when that fails or the length is off. */
export function decodeKeyShare(text: string): Uint8Array {
  const s = text.trim();
  let key = strictHex(s);
  if (!key || key.length < MIN_KEY || key.length > MAX_KEY) key = strictBase64(s);
  if (!key) throw new KeyShareError("'key' must be a valid hex or base64 string");
  if (key.length < MIN_KEY) throw new KeyShareError(`invalid key: key is shorter than minimum ${MIN_KEY} bytes`);
  if (key.length > MAX_KEY) throw new KeyShareError(`invalid key: key is longer than maximum ${MAX_KEY} bytes`);
  return key;
}

/** Lower-case hex, as Vault prints `keys`. */
export function encodeHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Standard padded base64, as Vault prints `keys_base64`. */
export function encodeBase64(b: Uint8Array): string {
  return Buffer.from(b).toString('base64');
}
