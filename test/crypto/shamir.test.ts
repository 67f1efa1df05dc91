/** Shamir for the unseal key (T9 at the function level): any t of n rebuild it, t−1 never do; Vault's messages. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineShares, decodeKeyShare, encodeBase64, encodeHex, splitKey, validateSealConfig } from '../../src/crypto/index.ts';

describe('splitKey and combineShares', () => {
  it('rebuild the key from any t shares in any order and never from t−1 (300 runs, 1 ≤ t ≤ n ≤ 10)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10 }).chain((n) => fc.tuple(fc.constant(n), n === 1 ? fc.constant(1) : fc.integer({ min: 2, max: n }))),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.infiniteStream(fc.nat()),
        async ([n, t], key, rnd) => {
          const shares = await splitKey(key, n, t);
          expect(shares).toHaveLength(n);
          const order = [...shares.keys()].sort(() => (rnd.next().value % 3) - 1);
          const pick = order.slice(0, t).map((i) => shares[i]);
          expect(Buffer.from(await combineShares(pick)).equals(Buffer.from(key))).toBe(true);
          if (t > 1) {
            const fewer = await combineShares(pick.slice(0, t - 1)).catch(() => undefined);
            expect(fewer && Buffer.from(fewer).equals(Buffer.from(key))).toBeFalsy();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("shows a 32-byte key's shares as 66 hex or 44 base64 characters, and 1-of-1 as the key itself", async () => {
    const key = new Uint8Array(32).fill(7);
    const [share] = await splitKey(key, 5, 3);
    expect(encodeHex(share)).toMatch(/^[0-9a-f]{66}$/);
    expect(encodeBase64(share)).toHaveLength(44);
    expect(encodeHex((await splitKey(key, 1, 1))[0])).toBe('07'.repeat(32));
  });
});

describe('validateSealConfig', () => {
  it.each([
    [0, 0, 'invalid seal configuration: shares must be at least one'],
    [3, 0, 'invalid seal configuration: threshold must be at least one'],
    [5, 1, 'invalid seal configuration: threshold must be greater than one for multiple shares'],
    [256, 3, 'invalid seal configuration: shares must be less than 256'],
    [3, 5, 'invalid seal configuration: threshold cannot be larger than shares'],
  ])('%i shares, threshold %i → %s', (n, t, message) => {
    expect(() => validateSealConfig({ secretShares: n, secretThreshold: t })).toThrow(message);
  });
  it.each([
    [1, 1],
    [5, 3],
    [255, 255],
  ])('accepts %i/%i', (n, t) => expect(() => validateSealConfig({ secretShares: n, secretThreshold: t })).not.toThrow());
});

describe('decodeKeyShare', () => {
  const share = new Uint8Array(33).map((_, i) => i + 1);
  it.each([
    ['hex', encodeHex(share)],
    ['base64', encodeBase64(share)],
    ['hex with spaces around', `  ${encodeHex(share)}\n`],
  ])('reads %s', (_n, text) => expect([...decodeKeyShare(text)]).toEqual([...share]));
  it.each([
    ['!!!not a key', "'key' must be a valid hex or base64 string"],
    ['abcd', 'invalid key: key is shorter than minimum 16 bytes'],
    [Buffer.alloc(40, 1).toString('base64'), 'invalid key: key is longer than maximum 33 bytes'],
    ['abc', "'key' must be a valid hex or base64 string"],
  ])('refuses %j: %s', (text, message) => expect(() => decodeKeyShare(text)).toThrow(message));
});
