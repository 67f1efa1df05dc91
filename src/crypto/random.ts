/** Ids, tokens and keys from the CSPRNG (never from a drill's seeded source). */
import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random UUID v4. */
export function uuid(): string {
  return randomUUID();
}

/** n unbiased base62 characters (rejection sampling over random bytes). */
export function randomBase62(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < 248 && out.length < n) out += BASE62[b % 62];
    }
  }
  return out;
}

/** A service token id as Vault ≥ 1.10 makes them: `hvs.` + 24 base62. */
export function newServiceToken(): string {
  return `hvs.${randomBase62(24)}`;
}

/** A token accessor: 24 base62. */
export function newAccessor(): string {
  return randomBase62(24);
}

/** Zero-fills buffers (best effort: V8 may have copied them, as Vault says of Go). */
export function wipe(...bufs: (Uint8Array | undefined)[]): void {
  for (const b of bufs) b?.fill(0);
}

/** A fresh 32-byte AES key from the CSPRNG. */
export function randomKey(): Uint8Array {
  const k = new Uint8Array(32);
  randomFillSync(k);
  return k;
}
