/**
 * Storage is untrusted (SEC-1, T6): after a seeded workload on the level backend, the
 * raw bytes of every LevelDB file (old values in *.log included) hold no secret value,
 * no unseal share, no unseal key and no token, in raw, hex, base64 or base64url form,
 * and every value outside the plaintext allow-list parses as barrier ciphertext.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { combineShares, decodeKeyShare } from '../../src/crypto/index.ts';
import { NON_BARRIER_KEYS } from '../../src/storage/index.ts';
import { call, makeNode, removeDir, type NodeFixture } from '../helpers/node-fixture.ts';
import { dumpBackend } from '../helpers/storage-dump.ts';

let fx: NodeFixture | undefined;
afterAll(async () => {
  await fx?.close().catch(() => undefined);
  await removeDir(fx?.dir);
});

function forms(bytes: Buffer): string[] {
  return [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')];
}

describe('leak scan of the raw level files', () => {
  it('finds no canary, share, unseal key or token after writes, overwrites, deletes, seal and unseal', async () => {
    fx = await makeNode({ storage: 'level' });
    const init = await fx.node.init({ secretShares: 5, secretThreshold: 3, devKvVersion: 2 });
    const unseal = async () => {
      for (const k of [0, 2, 4]) await call(fx!.app, 'PUT', '/v1/sys/unseal', { body: { key: init.keys[k] } });
    };
    await unseal();
    const canaries: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const canary = randomBytes(32);
      canaries.push(canary);
      const value = canary.toString('hex');
      const res = await call(fx.app, 'POST', `/v1/secret/data/app${i % 50}`, {
        token: init.rootToken,
        body: { data: { value, b64: canary.toString('base64') } },
      });
      expect(res.status).toBe(200);
    }
    await call(fx.app, 'PUT', '/v1/sys/seal', { token: init.rootToken });
    await unseal();
    expect((await call(fx.app, 'GET', '/v1/secret/data/app7', { token: init.rootToken })).status).toBe(200);

    const shares = init.keys.map((k) => Buffer.from(decodeKeyShare(k)));
    const unsealKey = Buffer.from(await combineShares(shares.slice(0, 3).map((s) => new Uint8Array(s))));
    const needles: Array<[string, Buffer]> = [];
    for (const c of canaries) {
      needles.push(['canary raw', c]);
      for (const f of forms(c)) needles.push(['canary', Buffer.from(f)]);
    }
    for (const s of [...shares, unsealKey]) {
      needles.push(['key raw', s]);
      for (const f of forms(s)) needles.push(['key', Buffer.from(f)]);
    }
    needles.push(['root token', Buffer.from(init.rootToken)]);

    // Every value outside the allow-list is [term u32][version u8][nonce 12][ct+tag].
    const dump = await dumpBackend(fx.backend);
    expect(dump.size).toBeGreaterThan(50);
    for (const [key, value] of dump) {
      if (NON_BARRIER_KEYS.includes(key)) continue;
      expect(value.length, key).toBeGreaterThanOrEqual(4 + 1 + 12 + 16);
      expect(value[4], key).toBe(1);
      // The keyring is sealed by the root key (term 0); everything else by a keyring term (≥ 1).
      const term = new DataView(value.buffer, value.byteOffset).getUint32(0);
      if (key === 'core/keyring') expect(term).toBe(0);
      else expect(term, key).toBeGreaterThanOrEqual(1);
    }

    await fx.close();
    const files = await readdir(fx.dir!);
    expect(files.some((f) => f.endsWith('.log') || f.endsWith('.ldb'))).toBe(true);
    let scanned = 0;
    for (const f of files) {
      const bytes = await readFile(join(fx.dir!, f));
      scanned += bytes.length;
      for (const [what, needle] of needles) expect(bytes.includes(needle), `${what} found in ${f}`).toBe(false);
    }
    expect(scanned).toBeGreaterThan(10_000);
  });
});
