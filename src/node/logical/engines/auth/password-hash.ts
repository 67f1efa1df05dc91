/**
 * Userpass passwords, stored only as a salted scrypt hash (Vault stores a bcrypt hash). The
 * cost is fixed, and a password longer than bcrypt's 72 bytes is refused before any hashing,
 * so a login costs at most one KDF run whatever the client sends. A login for a user that does
 * not exist still runs the KDF, so timing does not tell which names exist.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** bcrypt's limit, which Vault's userpass inherits (bcrypt.ErrPasswordTooLong). */
export const MAX_PASSWORD_BYTES = 72;

/** scrypt's cost: N=2^14, r=8, p=1 (about 16 MiB and tens of milliseconds per hash). */
const COST = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_BYTES = 32;

/** A stored password: scrypt of the password under a random salt, both base64. */
export interface PasswordHash {
  alg: 'scrypt';
  salt: string;
  hash: string;
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, KEY_BYTES, COST, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Whether a password is within the length every hash and check accepts. */
export function passwordFits(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') <= MAX_PASSWORD_BYTES;
}

/** Hashes a new password under a fresh salt. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  return { alg: 'scrypt', salt: salt.toString('base64'), hash: (await derive(password, salt)).toString('base64') };
}

const DUMMY: PasswordHash = { alg: 'scrypt', salt: Buffer.alloc(16).toString('base64'), hash: Buffer.alloc(KEY_BYTES).toString('base64') };

/** Checks a password against a stored hash in constant time; with no hash (unknown user) it still pays the KDF, then fails. */
export async function checkPassword(password: string, stored: PasswordHash | undefined): Promise<boolean> {
  const h = stored ?? DUMMY;
  const key = await derive(password, Buffer.from(h.salt, 'base64'));
  const want = Buffer.from(h.hash, 'base64');
  return stored !== undefined && want.length === key.length && timingSafeEqual(key, want);
}
