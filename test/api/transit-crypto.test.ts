/**
 * Transit's encryption endpoints over HTTP: encrypt (with its upsert), decrypt, rewrap,
 * datakey, hmac and verify, one value and in batches, both key types, with Vault's bodies,
 * per-item errors and statuses; every refused request changes nothing in storage.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEnvelope, expectErrors, expectNoContent, kvNode, type KvNode, type Reply } from '../node/logical/engines/kv-fixture.ts';

let n: KvNode;
const HELLO = Buffer.from('hello transit').toString('base64');
/** A ciphertext of `bytes` plaintext bytes: vault:v<N>: and base64 of nonce (12) || ciphertext || tag (16). */
const cipherOf = (version: number, bytes: number) =>
  expect.stringMatching(new RegExp(`^vault:v${version}:[A-Za-z0-9+/]{${Math.floor((bytes + 28) / 3) * 4 - 4},}[A-Za-z0-9+/=]{4}$`));

beforeAll(async () => {
  n = await kvNode();
  expectNoContent(await n.req('POST', '/v1/sys/mounts/transit', { type: 'transit' }));
  for (const [name, type] of [
    ['aes', 'aes256-gcm96'],
    ['cha', 'chacha20-poly1305'],
  ])
    expect((await n.req('POST', `/v1/transit/keys/${name}`, { type, exportable: true })).status).toBe(200);
});
afterAll(() => n.close());

const ok = (r: Reply, data: unknown, opts: { warnings?: string[]; status?: number } = {}) =>
  expectEnvelope(r, opts.status ?? 200, data, { mountType: 'transit', warnings: opts.warnings });

async function encrypt(key: string, body: Record<string, unknown>): Promise<string> {
  const r = await n.req('POST', `/v1/transit/encrypt/${key}`, body);
  expect(r.status, r.text).toBe(200);
  return r.body.data.ciphertext;
}

/** Runs each refused request and checks that storage is byte-for-byte what it was. */
async function refusedChangeNothing(cases: Array<[string, unknown, number, string[]]>): Promise<void> {
  const before = await n.digest();
  for (const [url, body, status, errors] of cases) expectErrors(await n.req('POST', url, body), status, errors);
  expect(await n.digest()).toBe(before);
}

describe('encrypt and decrypt', () => {
  it.each(['aes', 'cha'])('round-trips a value with the %s key, with a fresh nonce each time', async (key) => {
    const r = await n.req('POST', `/v1/transit/encrypt/${key}`, { plaintext: HELLO });
    ok(r, { ciphertext: cipherOf(1, 13), key_version: 1 });
    const again = await encrypt(key, { plaintext: HELLO });
    expect(again).not.toBe(r.body.data.ciphertext);
    ok(await n.req('POST', `/v1/transit/decrypt/${key}`, { ciphertext: r.body.data.ciphertext }), { plaintext: HELLO });
    ok(await n.req('POST', `/v1/transit/decrypt/${key}`, { ciphertext: again }), { plaintext: HELLO });
    ok(await n.req('POST', `/v1/transit/decrypt/${key}`, { ciphertext: await encrypt(key, { plaintext: '' }) }), { plaintext: '' });
  });

  it("binds associated data: decrypting without it fails in each cipher package's words", async () => {
    const ad = Buffer.from('row 7').toString('base64');
    for (const [key, why] of [
      ['aes', 'cipher: message authentication failed'],
      ['cha', 'chacha20poly1305: message authentication failed'],
    ]) {
      const c = await encrypt(key, { plaintext: HELLO, associated_data: ad });
      ok(await n.req('POST', `/v1/transit/decrypt/${key}`, { ciphertext: c, associated_data: ad }), { plaintext: HELLO });
      await refusedChangeNothing([[`/v1/transit/decrypt/${key}`, { ciphertext: c }, 400, [why]]]);
    }
  });

  it('creates a missing key on first encrypt (upsert), of the type asked for', async () => {
    ok(await n.req('POST', '/v1/transit/encrypt/fresh', { plaintext: HELLO }), { ciphertext: cipherOf(1, 13), key_version: 1 });
    expect((await n.req('GET', '/v1/transit/keys/fresh')).body.data).toMatchObject({ type: 'aes256-gcm96', latest_version: 1 });
    expect((await n.req('POST', '/v1/transit/encrypt/fresh2', { plaintext: HELLO, type: 'chacha20-poly1305' })).status).toBe(200);
    expect((await n.req('GET', '/v1/transit/keys/fresh2')).body.data.type).toBe('chacha20-poly1305');
  });

  it("refuses bad input in Vault's words, changing nothing", async () => {
    const c = await encrypt('aes', { plaintext: HELLO });
    const [, , body] = c.split(':');
    const sealed = Buffer.from(body, 'base64');
    sealed[sealed.length - 1] ^= 1;
    await refusedChangeNothing([
      ['/v1/transit/encrypt/aes', { plaintext: 'not base64!' }, 400, ['illegal base64 data at input byte 3']],
      ['/v1/transit/encrypt/aes', { plaintext: 'aGVsbG8' }, 400, ['illegal base64 data at input byte 4']],
      ['/v1/transit/encrypt/aes', {}, 400, ['missing plaintext to encrypt']],
      [
        '/v1/transit/encrypt/aes',
        { plaintext: HELLO, key_version: 2 },
        400,
        ['requested version for encryption is higher than the latest key version'],
      ],
      ['/v1/transit/encrypt/aes', { plaintext: HELLO, key_version: -1 }, 400, ['requested version for encryption is negative']],
      ['/v1/transit/encrypt/aes', { plaintext: HELLO, nonce: 'AAAAAAAAAAAAAAAA' }, 400, ['provided nonce not allowed for this key']],
      ['/v1/transit/encrypt/new-rsa', { plaintext: HELLO, type: 'rsa-4096' }, 400, ['unknown key type rsa-4096']],
      [
        '/v1/transit/encrypt/new-ec',
        { plaintext: HELLO, type: 'ecdsa-p256' },
        400,
        ['key type ecdsa-p256 not supported for this operation'],
      ],
      ['/v1/transit/decrypt/none', { ciphertext: c }, 400, ['encryption key not found']],
      ['/v1/transit/decrypt/aes', {}, 400, ['missing ciphertext to decrypt']],
      ['/v1/transit/decrypt/aes', { ciphertext: 'plain text' }, 400, ['invalid ciphertext: no prefix']],
      ['/v1/transit/decrypt/aes', { ciphertext: 'vault:v1' }, 400, ['invalid ciphertext: wrong number of fields']],
      ['/v1/transit/decrypt/aes', { ciphertext: 'vault:vX:AAAA' }, 400, ['invalid ciphertext: version number could not be decoded']],
      ['/v1/transit/decrypt/aes', { ciphertext: `vault:v2:${body}` }, 400, ['invalid ciphertext: version is too new']],
      ['/v1/transit/decrypt/aes', { ciphertext: 'vault:v1:%%%%' }, 400, ['invalid ciphertext: could not decode base64']],
      ['/v1/transit/decrypt/aes', { ciphertext: 'vault:v1:AAAA' }, 400, ['invalid ciphertext length']],
      ['/v1/transit/decrypt/aes', { ciphertext: `vault:v1:${sealed.toString('base64')}` }, 400, ['cipher: message authentication failed']],
      ['/v1/transit/decrypt/cha', { ciphertext: c }, 400, ['chacha20poly1305: message authentication failed']],
    ]);
  });

  it('refuses a ciphertext below min_decryption_version and encryption below min_encryption_version', async () => {
    expect((await n.req('POST', '/v1/transit/keys/old', {})).status).toBe(200);
    const v1 = await encrypt('old', { plaintext: HELLO });
    expect((await n.req('POST', '/v1/transit/keys/old/rotate', {})).status).toBe(200);
    const v1Again = await encrypt('old', { plaintext: HELLO, key_version: 1 });
    expect(v1Again).toMatch(/^vault:v1:/);
    ok(await n.req('POST', '/v1/transit/encrypt/old', { plaintext: HELLO }), { ciphertext: cipherOf(2, 13), key_version: 2 });
    expect((await n.req('POST', '/v1/transit/keys/old/config', { min_decryption_version: 2, min_encryption_version: 2 })).status).toBe(200);
    await refusedChangeNothing([
      ['/v1/transit/decrypt/old', { ciphertext: v1 }, 400, ['ciphertext or signature version is disallowed by policy (too old)']],
      ['/v1/transit/rewrap/old', { ciphertext: v1Again }, 400, ['ciphertext or signature version is disallowed by policy (too old)']],
      [
        '/v1/transit/encrypt/old',
        { plaintext: HELLO, key_version: 1 },
        400,
        ['requested version for encryption is less than the minimum encryption key version'],
      ],
    ]);
    expect((await n.req('POST', '/v1/transit/keys/old/config', { min_decryption_version: 1 })).status).toBe(200);
    ok(await n.req('POST', '/v1/transit/decrypt/old', { ciphertext: v1 }), { plaintext: HELLO });
  });
});

describe('batches', () => {
  it('encrypts a batch, each item on its own: a failed item makes it a 400 unless partial_failure_response_code says otherwise', async () => {
    ok(await n.req('POST', '/v1/transit/encrypt/aes', { batch_input: [{ plaintext: HELLO, reference: 'a' }, { plaintext: '' }] }), {
      batch_results: [
        { ciphertext: cipherOf(1, 13), key_version: 1, reference: 'a' },
        { ciphertext: cipherOf(1, 0), key_version: 1, reference: '' },
      ],
    });
    const mixed = { batch_input: [{ plaintext: HELLO }, { plaintext: 'QQ=' }] };
    const expected = {
      batch_results: [
        { ciphertext: cipherOf(1, 13), key_version: 1, reference: '' },
        // Go reports a missing pad where the input ends.
        { error: 'illegal base64 data at input byte 3', reference: '' },
      ],
    };
    ok(await n.req('POST', '/v1/transit/encrypt/aes', mixed), expected, { status: 400 });
    ok(await n.req('POST', '/v1/transit/encrypt/aes', { ...mixed, partial_failure_response_code: 207 }), expected, { status: 207 });
    ok(
      await n.req('POST', '/v1/transit/encrypt/aes', { batch_input: [{ plaintext: '!' }], partial_failure_response_code: 207 }),
      { batch_results: [{ error: 'illegal base64 data at input byte 0', reference: '' }] },
      { status: 400 },
    );
  });

  it('decrypts and rewraps a batch with per-item errors (rewrap answers 200 regardless)', async () => {
    const c = await encrypt('cha', { plaintext: HELLO });
    const input = { batch_input: [{ ciphertext: c, reference: 'r1' }, { ciphertext: 'vault:v1:AAAA' }] };
    ok(
      await n.req('POST', '/v1/transit/decrypt/cha', input),
      {
        batch_results: [
          { plaintext: HELLO, reference: 'r1' },
          { plaintext: '', error: 'invalid ciphertext length', reference: '' },
        ],
      },
      { status: 400 },
    );
    ok(await n.req('POST', '/v1/transit/rewrap/cha', input), {
      batch_results: [
        { ciphertext: cipherOf(1, 13), key_version: 1, reference: 'r1' },
        { error: 'invalid ciphertext length', reference: '' },
      ],
    });
  });

  it('refuses malformed batches as a whole, changing nothing', async () => {
    const parse = (why: string) => [`1 error occurred:\n\t* failed to parse batch input: ${why}\n\n`];
    await refusedChangeNothing([
      ['/v1/transit/encrypt/aes', { batch_input: [] }, 400, ['missing batch input to process']],
      [
        '/v1/transit/encrypt/aes',
        { batch_input: [{ plaintext: HELLO }, {}] },
        500,
        parse("1 error(s) decoding:\n\n* '[1].plaintext' missing plaintext to encrypt"),
      ],
      [
        '/v1/transit/encrypt/aes',
        { batch_input: [{ plaintext: 1, key_version: 'x' }] },
        500,
        parse(
          "2 error(s) decoding:\n\n* '[0].key_version' expected type 'int', got unconvertible type 'string'\n* '[0].plaintext' expected type 'string', got unconvertible type 'json.Number'",
        ),
      ],
      ['/v1/transit/encrypt/aes', { batch_input: ['x'] }, 500, parse("[0] expected a map, got 'string'")],
      ['/v1/transit/encrypt/aes', { batch_input: 'x' }, 500, parse('source data must be an array or slice, got string')],
      [
        '/v1/transit/decrypt/aes',
        { batch_input: [{}] },
        500,
        parse("1 error(s) decoding:\n\n* '[0].ciphertext' missing ciphertext to decrypt"),
      ],
      [
        '/v1/transit/encrypt/aes',
        { batch_input: [{ plaintext: HELLO, context: 'YQ==' }, { plaintext: HELLO }] },
        400,
        ['context should be set either in all the request blocks or in none'],
      ],
    ]);
  });
});

describe('rewrap and datakey', () => {
  it('rewraps to the latest version, or to a version asked for', async () => {
    expect((await n.req('POST', '/v1/transit/keys/rw', {})).status).toBe(200);
    const v1 = await encrypt('rw', { plaintext: HELLO });
    expect((await n.req('POST', '/v1/transit/keys/rw/rotate', {})).status).toBe(200);
    const r = await n.req('POST', '/v1/transit/rewrap/rw', { ciphertext: v1 });
    ok(r, { ciphertext: cipherOf(2, 13), key_version: 2 });
    ok(await n.req('POST', '/v1/transit/decrypt/rw', { ciphertext: r.body.data.ciphertext }), { plaintext: HELLO });
    ok(await n.req('POST', '/v1/transit/rewrap/rw', { ciphertext: v1, key_version: 1 }), { ciphertext: cipherOf(1, 13), key_version: 1 });
    await refusedChangeNothing([
      ['/v1/transit/rewrap/none', { ciphertext: v1 }, 400, ['encryption key not found']],
      ['/v1/transit/rewrap/rw', {}, 400, ['missing ciphertext to decrypt']],
      [
        '/v1/transit/rewrap/rw',
        { ciphertext: v1, key_version: 3 },
        400,
        ['requested version for encryption is higher than the latest key version'],
      ],
    ]);
  });

  it.each([
    [128, 16],
    [256, 32],
    [512, 64],
  ])('makes a %i-bit data key sealed under the named key', async (bits, bytes) => {
    const r = await n.req('POST', '/v1/transit/datakey/plaintext/aes', { bits });
    ok(r, { ciphertext: cipherOf(1, bytes), key_version: 1, plaintext: expect.any(String) });
    expect(Buffer.from(r.body.data.plaintext, 'base64')).toHaveLength(bytes);
    ok(await n.req('POST', '/v1/transit/decrypt/aes', { ciphertext: r.body.data.ciphertext }), { plaintext: r.body.data.plaintext });
    ok(await n.req('POST', '/v1/transit/datakey/wrapped/cha', { bits }), { ciphertext: cipherOf(1, bytes), key_version: 1 });
  });

  it('refuses a bad data key request, changing nothing', async () => {
    await refusedChangeNothing([
      ['/v1/transit/datakey/plaintext/aes', { bits: 100 }, 400, ['invalid bit length']],
      ['/v1/transit/datakey/both/aes', {}, 400, ["Invalid path, must be 'plaintext' or 'wrapped'"]],
      ['/v1/transit/datakey/wrapped/none', {}, 400, ['encryption key not found']],
      ['/v1/transit/datakey/wrapped/aes', { context: '%' }, 400, ['failed to base64-decode context']],
      [
        '/v1/transit/datakey/wrapped/aes',
        { key_version: 5 },
        400,
        ['requested version for encryption is higher than the latest key version'],
      ],
    ]);
  });
});

describe('hmac and verify', () => {
  it("HMACs with the version's own HMAC key, by default with sha2-256", async () => {
    const key = Buffer.from((await n.req('GET', '/v1/transit/export/hmac-key/aes/1')).body.data.keys['1'], 'base64');
    const want = (hash: string) => `vault:v1:${createHmac(hash, key).update('hello transit').digest('base64')}`;
    ok(await n.req('POST', '/v1/transit/hmac/aes', { input: HELLO }), { hmac: want('sha256') });
    ok(await n.req('POST', '/v1/transit/hmac/aes/sha2-512', { input: HELLO }), { hmac: want('sha512') });
    ok(await n.req('POST', '/v1/transit/hmac/aes', { input: HELLO, algorithm: 'sha3-256' }), { hmac: want('sha3-256') });
    ok(await n.req('POST', '/v1/transit/hmac/aes', { batch_input: [{ input: HELLO, reference: 'x' }, { input: '!' }, {}] }), {
      batch_results: [
        { hmac: want('sha256'), reference: 'x' },
        { error: 'unable to decode input as base64: illegal base64 data at input byte 0', reference: '' },
        { error: 'missing input for HMAC', reference: '' },
      ],
    });
    const mac = want('sha256');
    ok(await n.req('POST', '/v1/transit/verify/aes', { input: HELLO, hmac: mac }), { valid: true });
    ok(await n.req('POST', '/v1/transit/verify/aes/sha2-512', { input: HELLO, hmac: mac }), { valid: false });
    ok(
      await n.req('POST', '/v1/transit/verify/aes', {
        batch_input: [
          { input: HELLO, hmac: mac },
          { input: 'QQ==', hmac: mac },
          { input: HELLO, hmac: 'x' },
        ],
      }),
      {
        batch_results: [{ valid: true, reference: '' }, { reference: '' }, { error: 'invalid HMAC to verify: no prefix', reference: '' }],
      },
    );
  });

  it("refuses bad HMAC requests in Vault's words, changing nothing", async () => {
    await refusedChangeNothing([
      ['/v1/transit/hmac/none', { input: HELLO }, 400, ['encryption key not found']],
      ['/v1/transit/hmac/aes', {}, 400, ['missing input for HMAC']],
      ['/v1/transit/hmac/aes', { input: '!' }, 400, ['unable to decode input as base64: illegal base64 data at input byte 0']],
      ['/v1/transit/hmac/aes/md5', { input: HELLO }, 400, ["unsupported algorithm '\\x00'"]],
      ['/v1/transit/hmac/aes', { input: HELLO, key_version: 4 }, 400, ['key version does not exist; latest key version is 1']],
      ['/v1/transit/verify/aes', { input: HELLO }, 400, ["missing 'signature', 'hmac' or 'cmac' were given to verify"]],
      [
        '/v1/transit/verify/aes',
        { input: HELLO, hmac: 'vault:v1:AA==', signature: 'x' },
        400,
        ["provide one of 'signature', 'hmac' or 'cmac'"],
      ],
      [
        '/v1/transit/verify/aes',
        { input: HELLO, signature: 'vault:v1:AA==' },
        400,
        ['message verification not supported for key type aes256-gcm96'],
      ],
      ['/v1/transit/verify/aes', { input: HELLO, hmac: 'vault:v9:AA==' }, 400, ['invalid HMAC: version is too new']],
      [
        '/v1/transit/verify/aes',
        { input: HELLO, hmac: 'vault:v1:!' },
        400,
        ['unable to decode verification HMAC as base64: illegal base64 data at input byte 0'],
      ],
    ]);
  });
});
