/**
 * What transit keeps and who may use it: key material and plaintexts never reach the backend
 * in any readable form; concurrent rotations, configs and encrypts of one key lose no version;
 * two encrypts racing to create a key make one key, and the second says it found it made;
 * a token allowed only to update encrypt/<key> can encrypt with that key and nothing else.
 */
import { createDecipheriv, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../../../../helpers/node-fixture.ts';
import { dumpBackend } from '../../../../helpers/storage-dump.ts';
import { kvNode, type KvNode } from '../kv-fixture.ts';

let n: KvNode | undefined;
afterEach(async () => {
  await n?.close();
  n = undefined;
});

async function transitNode(): Promise<KvNode> {
  const k = await kvNode();
  expect((await k.req('POST', '/v1/sys/mounts/transit', { type: 'transit' })).status).toBe(204);
  return k;
}

/** A write straight to the node (no HTTP), so many can be in flight at once. */
const write = (k: KvNode, path: string, data: Record<string, unknown> = {}) =>
  k.fx.node.handle({ operation: 'update', path: `transit/${path}`, data, token: k.root });

function forms(bytes: Buffer): Buffer[] {
  return [bytes, ...['hex', 'base64', 'base64url'].map((e) => Buffer.from(bytes.toString(e as BufferEncoding)))];
}

/** AES-256-GCM open of a `vault:vN:` ciphertext (nonce || ciphertext || tag) with a base64 key. */
function openGcm(keyB64: string, ciphertext: string): Buffer {
  const sealed = Buffer.from(ciphertext.split(':')[2], 'base64');
  const d = createDecipheriv('aes-256-gcm', Buffer.from(keyB64, 'base64'), sealed.subarray(0, 12));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
}

describe('transit storage', () => {
  it('keeps no key material and no plaintext readable in the backend', async () => {
    const k = (n = await transitNode());
    const canary = randomBytes(48);
    const needles: Array<[string, Buffer]> = forms(canary).map((b) => ['plaintext', b]);
    for (const [name, type] of [
      ['aes', 'aes256-gcm96'],
      ['cha', 'chacha20-poly1305'],
    ]) {
      expect((await k.req('POST', `/v1/transit/keys/${name}`, { type, exportable: true })).status).toBe(200);
      expect((await k.req('POST', `/v1/transit/keys/${name}/rotate`, {})).status).toBe(200);
      const c = await k.req('POST', `/v1/transit/encrypt/${name}`, { plaintext: canary.toString('base64') });
      expect((await k.req('POST', `/v1/transit/decrypt/${name}`, { ciphertext: c.body.data.ciphertext })).body.data.plaintext).toBe(
        canary.toString('base64'),
      );
      for (const kind of ['encryption-key', 'hmac-key']) {
        const keys = (await k.req('GET', `/v1/transit/export/${kind}/${name}`)).body.data.keys as Record<string, string>;
        expect(Object.keys(keys)).toEqual(['1', '2']);
        for (const v of Object.values(keys)) for (const b of forms(Buffer.from(v, 'base64'))) needles.push([`${name} ${kind}`, b]);
        // The needles are the real key: the exported latest version opens the ciphertext outside Vault.
        if (name === 'aes' && kind === 'encryption-key') expect(openGcm(keys['2'], c.body.data.ciphertext)).toEqual(canary);
      }
    }
    const dump = await dumpBackend(k.fx.backend);
    const policies = [...dump.keys()].filter((key) => /^logical\/[0-9a-f-]+\/policy\/(aes|cha)$/.test(key));
    expect(policies).toHaveLength(2);
    for (const [key, value] of dump) {
      const raw = Buffer.from(value);
      for (const [what, needle] of needles) expect(raw.includes(needle), `${what} in ${key}`).toBe(false);
    }
    expect(needles).toHaveLength(4 + 2 * 2 * 2 * 4);
  });

  it('loses no version when rotations, configs and encrypts of one key run at once', async () => {
    const k = (n = await transitNode());
    await write(k, 'keys/busy');
    const ops = [
      ...Array.from({ length: 20 }, () => write(k, 'keys/busy/rotate')),
      ...Array.from({ length: 10 }, (_, i) => write(k, 'keys/busy/config', { deletion_allowed: i % 2 === 0 })),
      ...Array.from({ length: 20 }, () => write(k, 'encrypt/busy', { plaintext: 'aGk=' })),
    ];
    const served = await Promise.all(ops);
    const read = await k.req('GET', '/v1/transit/keys/busy');
    expect(read.body.data.latest_version).toBe(21);
    expect(Object.keys(read.body.data.keys).map(Number)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    for (const s of served.slice(30)) {
      const ciphertext = s.response!.data!.ciphertext as string;
      expect((await k.req('POST', '/v1/transit/decrypt/busy', { ciphertext })).body.data.plaintext).toBe('aGk=');
    }
  });

  it('makes one key when two encrypts race to create it; the later one warns', async () => {
    const k = (n = await transitNode());
    const [a, b] = await Promise.all([write(k, 'encrypt/race', { plaintext: 'aGk=' }), write(k, 'encrypt/race', { plaintext: 'aGk=' })]);
    const warnings = [a, b].map((s) => s.response?.warnings);
    expect(warnings.filter((w) => w !== undefined)).toEqual([
      ['Attempted creation of the key during the encrypt operation, but it was created beforehand'],
    ]);
    const read = await k.req('GET', '/v1/transit/keys/race');
    expect(read.body.data.latest_version).toBe(1);
    for (const s of [a, b]) {
      const ciphertext = s.response!.data!.ciphertext as string;
      expect((await k.req('POST', '/v1/transit/decrypt/race', { ciphertext })).body.data.plaintext).toBe('aGk=');
    }
  });

  it('lets a token with only update on encrypt/<key> encrypt with that key, and nothing more', async () => {
    const k = (n = await transitNode());
    expect((await k.req('POST', '/v1/transit/keys/k', {})).status).toBe(200);
    expect(
      (await k.req('PUT', '/v1/sys/policies/acl/enc', { policy: 'path "transit/encrypt/k" { capabilities = ["update"] }' })).status,
    ).toBe(204);
    const t = (await createToken(k.fx.app, k.root, { policies: ['enc'] })).client_token;
    const as = (url: string, body: unknown) => k.req('POST', url, body, { token: t });
    const enc = await as('/v1/transit/encrypt/k', { plaintext: 'aGk=' });
    expect(enc.status).toBe(200);
    const denied = { status: 403, body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] } };
    for (const [url, body] of [
      ['/v1/transit/decrypt/k', { ciphertext: enc.body.data.ciphertext }],
      ['/v1/transit/rewrap/k', { ciphertext: enc.body.data.ciphertext }],
      ['/v1/transit/keys/k/rotate', {}],
      // A missing key makes the write a create, which the policy does not allow.
      ['/v1/transit/encrypt/other', { plaintext: 'aGk=' }],
    ] as const) {
      const r = await as(url, body);
      expect({ status: r.status, body: r.body }, url).toEqual(denied);
    }
    expect((await k.req('GET', '/v1/transit/keys?list=true')).body.data.keys).toEqual(['k']);
  });
});
