/**
 * The stored form of every value behind the barrier: `[term u32][version u8 = 1][nonce 12][ciphertext+tag]`,
 * AES-256-GCM under the keyring key of `term` and a fresh random nonce, with the storage path
 * as additional authenticated data (so a value moved to another path no longer opens).
 */
import type { Aead } from './aead.ts';
import { CorruptStoredKeyError, DecryptError } from './errors.ts';
import type { Keyring } from './keyring.ts';
import { NoncePool } from './nonce-pool.ts';

const VERSION = 1;
const HEADER = 4 + 1 + 12;
const TAG = 16;
/** What initialize() stores at core/master: a header (term 0), a 32-byte key, a 16-byte tag. */
const ROOT_KEY_BYTES = HEADER + 32 + TAG;

/** The storage path as additional data. Buffer.from, not TextEncoder: about 4x faster on Node 20, and this runs on every read and write. */
function aadOf(path: string): Uint8Array {
  return Buffer.from(path, 'utf8');
}

/** The keyring term a stored value was sealed under. */
export function readTerm(raw: Uint8Array): number {
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(0);
}

/**
 * Throws CorruptStoredKeyError unless raw has the one shape initialize() writes at the root
 * key's path: only such a value can be a wrong-key case; anything else is damage, whatever the key.
 */
export function assertRootKeyShape(path: string, raw: Uint8Array | undefined): asserts raw is Uint8Array {
  if (!raw) throw new CorruptStoredKeyError(path, `the root key at ${path} is missing while the keyring exists`);
  if (raw.length === ROOT_KEY_BYTES && raw[4] === VERSION && readTerm(raw) === 0) return;
  const found = raw.length < HEADER ? `${raw.length} bytes` : `${raw.length} bytes, version ${raw[4]}, term ${readTerm(raw)}`;
  throw new CorruptStoredKeyError(
    path,
    `the root key at ${path} is malformed (${found}; a stored root key is ${ROOT_KEY_BYTES} bytes, version ${VERSION}, term 0)`,
  );
}

/** Seals plaintext into the stored form and opens it again. */
export class ValueSealer {
  private readonly nonces = new NoncePool();

  constructor(private readonly aead: Aead) {}

  /** The stored form of plaintext at path, under key of term. */
  seal(term: number, key: Uint8Array, path: string, plaintext: Uint8Array): Uint8Array {
    const header = new Uint8Array(HEADER);
    new DataView(header.buffer).setUint32(0, term);
    header[4] = VERSION;
    const nonce = header.subarray(5, HEADER);
    this.nonces.take(nonce);
    return this.aead.seal(key, nonce, plaintext, aadOf(path), header);
  }

  /** The plaintext of a value stored at path under key; DecryptError when it does not authenticate. */
  open(key: Uint8Array, path: string, raw: Uint8Array): Uint8Array {
    if (raw.length < HEADER + TAG || raw[4] !== VERSION) throw new DecryptError(path);
    try {
      return this.aead.open(key, raw.subarray(5, HEADER), raw.subarray(HEADER), aadOf(path));
    } catch {
      throw new DecryptError(path);
    }
  }

  /** False only for a well-formed value whose term the ring lacks (another node rotated): what reading the keyring again may fix. */
  knowsTerm(ring: Keyring, raw: Uint8Array): boolean {
    return raw.length < HEADER + TAG || ring.key(readTerm(raw)) !== undefined;
  }

  /** The plaintext of a value stored at path, under the ring's key of the term it names. */
  openWith(ring: Keyring, path: string, raw: Uint8Array): Uint8Array {
    if (raw.length < HEADER + TAG) throw new DecryptError(path);
    const key = ring.key(readTerm(raw));
    if (!key) throw new DecryptError(path);
    return this.open(key, path, raw);
  }
}
