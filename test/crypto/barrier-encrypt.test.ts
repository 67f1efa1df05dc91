/** The barrier's storage-free encrypt/decrypt (Vault's BarrierEncryptor), which batch tokens are sealed with. */
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { AesGcmBarrier, BarrierSealedError, createAead, DecryptError } from '../../src/crypto/index.ts';
import { createBackend, type Backend } from '../../src/storage/index.ts';
import { dumpBackend } from '../helpers/storage-dump.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (u: Uint8Array) => new TextDecoder().decode(u);

let backend: Backend;
let unsealKey: Uint8Array;

async function barrier(engine: 'node' | 'noble' = 'node'): Promise<AesGcmBarrier> {
  const b = new AesGcmBarrier({ backend, aead: createAead(engine) });
  if (!(await b.initialized())) await b.initialize(unsealKey);
  await b.unseal(unsealKey);
  return b;
}

beforeEach(async () => {
  backend = await createBackend('memory');
  unsealKey = new Uint8Array(randomBytes(32));
});

describe('barrier encrypt/decrypt without storage', () => {
  it('round-trips, writes nothing, hides the plaintext and counts the encryption', async () => {
    const b = await barrier();
    const before = await dumpBackend(backend);
    const sealed = b.encrypt('', enc('policies: secret-policy'));
    expect(await dumpBackend(backend)).toEqual(before);
    expect(Buffer.from(sealed).includes('secret-policy')).toBe(false);
    expect(dec(b.decrypt('', sealed))).toBe('policies: secret-policy');
    expect(b.keyStatus().encryptions).toBe(1);
  });

  it('opens on another unsealed barrier over the same keyring, with either engine', async () => {
    const a = await barrier('node');
    const other = await barrier('noble');
    expect(dec(other.decrypt('', a.encrypt('', enc('x'))))).toBe('x');
  });

  it('a sealed barrier cannot encrypt or decrypt', async () => {
    const a = await barrier();
    const sealed = a.encrypt('', enc('x'));
    const other = await barrier();
    other.seal();
    expect(() => other.decrypt('', sealed)).toThrow(BarrierSealedError);
    expect(() => other.encrypt('', enc('x'))).toThrow(BarrierSealedError);
  });

  it('refuses a flipped byte, a truncation, garbage and another context', async () => {
    const b = await barrier();
    const sealed = b.encrypt('', enc('hello'));
    const flipped = new Uint8Array(sealed);
    flipped[flipped.length - 1] ^= 1;
    expect(() => b.decrypt('', flipped)).toThrow(DecryptError);
    expect(() => b.decrypt('', sealed.subarray(0, 20))).toThrow(DecryptError);
    expect(() => b.decrypt('', new Uint8Array(3))).toThrow(DecryptError);
    expect(() => b.decrypt('', new Uint8Array(randomBytes(100)))).toThrow(DecryptError);
    expect(() => b.decrypt('sys/token/id/x', sealed)).toThrow(DecryptError);
  });

  it('a value stored at a path does not open as a storage-free blob (the path is its additional data)', async () => {
    const b = await barrier();
    await b.put('logical/k', enc('v'));
    const raw = (await backend.get('logical/k'))!;
    expect(() => b.decrypt('', raw)).toThrow(DecryptError);
  });

  it('still opens after a rotation (older terms stay in the ring)', async () => {
    const b = await barrier();
    const sealed = b.encrypt('', enc('old'));
    await b.rotate();
    expect(dec(b.decrypt('', sealed))).toBe('old');
  });
});
