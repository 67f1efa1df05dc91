/**
 * A share given to rekey or generate-root. Read as sys/unseal reads one (hex, else base64),
 * but the length errors carry the words of `vault/rekey.go` and `vault/generate_root.go`,
 * which have no "invalid key: " in front.
 */
import { decodeKeyShare, KeyShareError } from '../../crypto/index.ts';
import { BadRequestError } from '../errors.ts';

/** The share's bytes, or a 400 in Vault's words. */
export function operatorShare(key: string): Uint8Array {
  try {
    return decodeKeyShare(key);
  } catch (err) {
    if (err instanceof KeyShareError) throw new BadRequestError(err.message.replace(/^invalid key: /, ''));
    throw err;
  }
}
