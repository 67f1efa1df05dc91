/** The barrier (T6–T8): format, both engines and their interop, tamper resistance, rotation, and the wipe on seal. */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { AesGcmBarrier, createAead, NobleAead, NodeAead } from '../../src/crypto/index.ts';
import { createBackend, type Backend } from '../../src/storage/index.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (u: Uint8Array | undefined) => (u ? new TextDecoder().decode(u) : undefined);

let backend: Backend;
let unsealKey: Uint8Array;

async function barrier(engine: 'node' | 'noble' = 'node') {
  const b = new AesGcmBarrier({ backend, aead: createAead(engine) });
  if (!(await b.initialized())) await b.initialize(unsealKey);
  await b.unseal(unsealKey);
  return b;
}

beforeEach(async () => {
  backend = await createBackend('memory');
  unsealKey = new Uint8Array(randomBytes(32));
});

describe('AEAD engines', () => {
  it("write identical bytes and read each other's", () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const aad = enc('logical/x');
    for (const size of [0, 1, 15, 16, 512, 4096]) {
      const pt = randomBytes(size);
      const a = new NodeAead().seal(key, nonce, pt, aad);
      const b = new NobleAead().seal(key, nonce, pt, aad);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      expect(Buffer.from(new NobleAead().open(key, nonce, a, aad)).equals(pt)).toBe(true);
      expect(Buffer.from(new NodeAead().open(key, nonce, b, aad)).equals(pt)).toBe(true);
    }
  });
  it.each([['node'], ['noble']] as const)('%s puts a given header in front of ciphertext || tag, in the one buffer it returns', (name) => {
    const engine = name === 'node' ? new NodeAead() : new NobleAead();
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const aad = enc('logical/x');
    const pt = randomBytes(100);
    const header = new Uint8Array(randomBytes(17));
    const framed = engine.seal(key, nonce, pt, aad, header);
    expect(framed.length).toBe(17 + 100 + 16);
    // A plain array of its own: Buffer's slice() would not copy it, and a pooled Buffer shares its memory.
    expect(Buffer.isBuffer(framed)).toBe(false);
    expect(framed.byteOffset).toBe(0);
    expect(Buffer.from(framed.subarray(0, 17)).equals(header)).toBe(true);
    expect(Buffer.from(framed.subarray(17)).equals(Buffer.from(engine.seal(key, nonce, pt, aad)))).toBe(true);
  });
});

describe('AesGcmBarrier', () => {
  it.each([['node'], ['noble']] as const)('round-trips values in the exact format with the %s engine', async (engine) => {
    const b = await barrier(engine);
    await b.put('logical/a', enc('hello'));
    const raw = (await backend.get('logical/a'))!;
    expect(raw.length).toBe(4 + 1 + 12 + 5 + 16);
    expect(new DataView(raw.buffer, raw.byteOffset).getUint32(0)).toBe(1);
    expect(raw[4]).toBe(1);
    expect(dec(await b.get('logical/a'))).toBe('hello');
  });

  it('reads with one engine what the other wrote', async () => {
    const writer = await barrier('noble');
    await writer.put('logical/x', enc('from noble'));
    const reader = await barrier('node');
    expect(dec(await reader.get('logical/x'))).toBe('from noble');
    await reader.put('logical/y', enc('from node'));
    expect(dec(await writer.get('logical/y'))).toBe('from node');
  });

  it('never returns wrong plaintext for 1,000 random bit flips', async () => {
    const b = await barrier();
    await b.put('logical/secret', enc('the plaintext that must not change'));
    const original = (await backend.get('logical/secret'))!;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: original.length * 8 - 1 }), async (bit) => {
        const flipped = new Uint8Array(original);
        flipped[bit >> 3] ^= 1 << (bit & 7);
        await backend.put('logical/secret', flipped);
        await expect(b.get('logical/secret')).rejects.toMatchObject({ code: 'CRYPTO_DECRYPT_FAILED' });
        rejected++;
      }),
      { numRuns: 1000 },
    );
    expect(rejected).toBe(1000);
  });

  it('never decrypts a value moved or copied to another path (100 moves), nor a truncated one', async () => {
    const b = await barrier();
    for (let i = 0; i < 100; i++) {
      await b.put(`logical/src${i}`, enc(`value ${i}`));
      await backend.put(`logical/dst${i}`, (await backend.get(`logical/src${i}`))!);
      await expect(b.get(`logical/dst${i}`)).rejects.toMatchObject({ code: 'CRYPTO_DECRYPT_FAILED' });
      expect(dec(await b.get(`logical/src${i}`))).toBe(`value ${i}`);
    }
    const raw = (await backend.get('logical/src0'))!;
    for (const len of [0, 4, 17, raw.length - 1]) {
      await backend.put('logical/cut', raw.slice(0, len));
      await expect(b.get('logical/cut')).rejects.toMatchObject({ code: 'CRYPTO_DECRYPT_FAILED' });
    }
    const unknownTerm = new Uint8Array(raw);
    new DataView(unknownTerm.buffer).setUint32(0, 99);
    await backend.put('logical/src0', unknownTerm);
    await expect(b.get('logical/src0')).rejects.toMatchObject({ code: 'CRYPTO_DECRYPT_FAILED' });
  });

  it('uses a fresh nonce every time (100k encryptions, no repeat)', async () => {
    const b = await barrier();
    const seen = new Set<string>();
    const pt = enc('x');
    for (let i = 0; i < 100_000; i++) {
      await b.put('logical/n', pt);
      seen.add(Buffer.from((await backend.get('logical/n'))!.subarray(5, 17)).toString('hex'));
    }
    expect(seen.size).toBe(100_000);
  }, 60_000);

  it('zero-fills every key on seal and refuses every call afterwards', async () => {
    const b = await barrier();
    await b.put('logical/a', enc('x'));
    const internals = b as unknown as { keyring: { terms: { key: Uint8Array }[] }; rootKey: Uint8Array };
    const keys = internals.keyring.terms.map((t) => t.key);
    const root = internals.rootKey;
    b.seal();
    for (const k of [...keys, root]) expect(k.every((x) => x === 0)).toBe(true);
    expect(b.sealed).toBe(true);
    for (const call of [
      () => b.get('logical/a'),
      () => b.put('logical/a', enc('y')),
      () => b.list('logical/'),
      () => b.delete('logical/a'),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'BARRIER_SEALED', message: 'Vault is sealed' });
    }
  });

  it('refuses a wrong unseal key and stays sealed', async () => {
    const b = new AesGcmBarrier({ backend, aead: createAead('node') });
    await b.initialize(unsealKey);
    await expect(b.unseal(new Uint8Array(randomBytes(32)))).rejects.toMatchObject({ code: 'BARRIER_UNSEAL_FAILED' });
    expect(b.sealed).toBe(true);
  });

  it('rotates: old data stays readable, new writes use the new term, and another instance learns the term when it meets it', async () => {
    const b = await barrier();
    await b.put('logical/old', enc('old'));
    expect(await b.rotate()).toBe(2);
    await b.put('logical/new', enc('new'));
    expect(new DataView((await backend.get('logical/new'))!.buffer).getUint32(0)).toBe(2);
    expect(dec(await b.get('logical/old'))).toBe('old');
    const other = await barrier();
    expect(other.keyStatus().term).toBe(2);
    await b.rotate();
    await b.put('logical/newer', enc('newer'));
    // A value of a term it does not know makes it read the keyring again (Vault's standbys poll for it).
    expect(other.keyStatus().term).toBe(2);
    expect(dec(await other.get('logical/newer'))).toBe('newer');
    expect(other.keyStatus().term).toBe(3);
  });
});

describe('rekey', () => {
  /** What a holder of an old storage copy does: opens a term-0 value (core/master, core/keyring) with a key. */
  const openTerm0 = (key: Uint8Array, path: string, raw: Uint8Array) =>
    new NodeAead().open(key, raw.subarray(5, 17), raw.subarray(17), enc(path));
  const rootOf = (b: AesGcmBarrier) => (b as unknown as { rootKey: Uint8Array }).rootKey;

  it('makes a new root key: an old copy of core/master opened with the old unseal key no longer opens the keyring', async () => {
    const b = await barrier();
    await b.put('logical/kept', enc('kept'));
    const newKey = new Uint8Array(randomBytes(32));
    expect(await b.verifyUnsealKey(newKey)).toBe(false);
    const oldMaster = (await backend.get('core/master'))!;
    const oldKeyring = (await backend.get('core/keyring'))!;
    const oldRootInMemory = rootOf(b);
    await b.rekey(newKey);
    expect(oldRootInMemory.every((x) => x === 0)).toBe(true);
    const oldRoot = openTerm0(unsealKey, 'core/master', oldMaster);
    // The old root key opened the old keyring (so the check below can fail) and opens nothing current.
    expect(() => openTerm0(oldRoot, 'core/keyring', oldKeyring)).not.toThrow();
    const currentKeyring = (await backend.get('core/keyring'))!;
    expect(() => openTerm0(oldRoot, 'core/keyring', currentKeyring)).toThrow();
    expect(Buffer.from(openTerm0(newKey, 'core/master', (await backend.get('core/master'))!)).equals(Buffer.from(rootOf(b)))).toBe(true);
    expect(await b.verifyUnsealKey(unsealKey)).toBe(false);
    expect(await b.verifyUnsealKey(newKey)).toBe(true);
    const other = new AesGcmBarrier({ backend, aead: createAead('node') });
    await expect(other.unseal(unsealKey)).rejects.toMatchObject({ code: 'BARRIER_UNSEAL_FAILED' });
    await other.unseal(newKey);
    expect(dec(await other.get('logical/kept'))).toBe('kept');
  });

  it('lets a node unsealed before the rekey learn the new root key from core/root-key, on reload and on an unknown term', async () => {
    const b = await barrier();
    const standby = await barrier();
    const standbyRoot = rootOf(standby);
    await b.put('logical/before', enc('before'));
    await b.rekey(new Uint8Array(randomBytes(32)));
    await standby.reloadKeyring();
    expect(standbyRoot.every((x) => x === 0)).toBe(true);
    expect(Buffer.from(rootOf(standby)).equals(Buffer.from(rootOf(b)))).toBe(true);
    expect(dec(await standby.get('logical/before'))).toBe('before');
    await b.rotate();
    await b.put('logical/term2', enc('term2'));
    expect(dec(await standby.get('logical/term2'))).toBe('term2');
    await b.rekey(new Uint8Array(randomBytes(32)));
    await b.rotate();
    await b.put('logical/after', enc('after'));
    // The standby meets term 3 in a value, reloads, and learns the root key of the second rekey from core/root-key.
    expect(standby.keyStatus().term).toBe(2);
    expect(dec(await standby.get('logical/after'))).toBe('after');
    expect(standby.keyStatus().term).toBe(3);
  });

  it('lets a node that read the keyring before any rotation follow rotations and rekeys (core/root-key is under the first term)', async () => {
    const b = await barrier();
    const lagging = await barrier();
    await b.rotate();
    await b.rekey(new Uint8Array(randomBytes(32)));
    await b.rotate();
    await b.rekey(new Uint8Array(randomBytes(32)));
    await b.put('logical/latest', enc('latest'));
    expect(new DataView((await backend.get('core/root-key'))!.buffer).getUint32(0)).toBe(1);
    expect(lagging.keyStatus().term).toBe(1);
    expect(dec(await lagging.get('logical/latest'))).toBe('latest');
    expect(lagging.keyStatus().term).toBe(3);
  });

  it('refuses to reload when core/root-key does not give the new root key, and keeps its keys', async () => {
    const b = await barrier();
    const stale = await barrier();
    await b.rekey(new Uint8Array(randomBytes(32)));
    await backend.delete('core/root-key');
    await expect(stale.reloadKeyring()).rejects.toMatchObject({
      code: 'BARRIER_STORED_KEY_CORRUPT',
      message: expect.stringContaining(
        "the keyring at core/keyring does not decrypt under this node's root key nor under the one at core/root-key: seal this node and unseal it with the current shares",
      ),
    });
    expect(stale.keyStatus().term).toBe(1);
    expect(stale.sealed).toBe(false);
  });

  it('changes nothing when the batch fails: the old unseal key and root key still open everything', async () => {
    const b = await barrier();
    await b.put('logical/kept', enc('kept'));
    const before = ['core/master', 'core/keyring', 'core/root-key'].map(async (k) => Buffer.from((await backend.get(k))!).toString('hex'));
    const root = Buffer.from(rootOf(b));
    backend.batch = async () => {
      throw new Error('disk full');
    };
    await expect(b.rekey(new Uint8Array(randomBytes(32)))).rejects.toThrow('disk full');
    const after = ['core/master', 'core/keyring', 'core/root-key'].map(async (k) => Buffer.from((await backend.get(k))!).toString('hex'));
    expect(await Promise.all(after)).toEqual(await Promise.all(before));
    expect(Buffer.from(rootOf(b)).equals(root)).toBe(true);
    const other = new AesGcmBarrier({ backend, aead: createAead('node') });
    await other.unseal(unsealKey);
    expect(dec(await other.get('logical/kept'))).toBe('kept');
  });
});

describe('keyring keys', () => {
  it('are random and survive the wipe of the buffer they were read from (a Buffer#slice view would not)', async () => {
    const b = await barrier('node');
    const other = await barrier('node');
    const ka = (b as unknown as { keyring: { terms: { key: Uint8Array }[] } }).keyring.terms[0].key;
    const kb = (other as unknown as { keyring: { terms: { key: Uint8Array }[] } }).keyring.terms[0].key;
    expect(ka.some((x) => x !== 0)).toBe(true);
    expect(Buffer.from(ka).equals(Buffer.from(kb))).toBe(true);
  });
});
