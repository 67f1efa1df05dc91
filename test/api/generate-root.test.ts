/**
 * sys/generate-root/attempt and update on one node: a threshold of unseal shares mints a new
 * root token, handed back XOR'd with the OTP (base64 without padding, as helper/roottoken
 * encodes it); the decoded token works as root. Refusals answer in Vault's words and change
 * nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRootToken } from '../../src/cli/root-token-decode.ts';
import { encodeRootToken } from '../../src/node/index.ts';
import { call, initAndUnseal, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';
import { storageDigest } from '../helpers/storage-dump.ts';

let fx: NodeFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const OTP = 'abcdefghijklmnopqrstuvwxyz01';

function status(over: Record<string, unknown> = {}) {
  return {
    nonce: '',
    started: false,
    progress: 0,
    required: 3,
    complete: false,
    encoded_token: '',
    encoded_root_token: '',
    pgp_fingerprint: '',
    otp: '',
    otp_length: 28,
    ...over,
  };
}

describe('root token encoding', () => {
  it("is base64 without padding of otp XOR token, and decodes back (Vault's roottoken)", () => {
    const token = 'hvs.AAAAAAAAAAAAAAAAAAAAAAAA';
    const enc = encodeRootToken(token, OTP);
    expect(enc).toBe(
      Buffer.from([...Buffer.from(token)].map((b, i) => b ^ OTP.charCodeAt(i)))
        .toString('base64')
        .replace(/=+$/, ''),
    );
    expect(enc).not.toMatch(/=/);
    expect(decodeRootToken(enc, OTP)).toBe(token);
  });
});

describe('sys/generate-root', () => {
  it('with an OTP given: status, progress, an encoded root token that decodes to a working root token', async () => {
    fx = await makeNode();
    const init = await initAndUnseal(fx.app);
    expect((await call(fx.app, 'GET', '/v1/sys/generate-root/attempt')).body).toEqual(status());
    const st = await call(fx.app, 'PUT', '/v1/sys/generate-root/attempt', { body: { otp: OTP } });
    expect(st.body).toEqual(status({ nonce: UUID, started: true }));
    const nonce = st.body.nonce as string;
    expect((await call(fx.app, 'GET', '/v1/sys/generate-root/attempt')).body).toEqual(status({ nonce, started: true }));
    const one = await call(fx.app, 'PUT', '/v1/sys/generate-root/update', { body: { key: init.keys[0], nonce } });
    expect(one.body).toEqual(status({ nonce, started: true, progress: 1, otp_length: 0 }));
    await call(fx.app, 'PUT', '/v1/sys/generate-root/update', { body: { key: init.keys[1], nonce } });
    const done = await call(fx.app, 'PUT', '/v1/sys/generate-root/update', { body: { key: init.keys_base64[2], nonce } });
    expect(done.body).toEqual(
      status({
        nonce,
        started: true,
        progress: 3,
        complete: true,
        otp_length: 0,
        encoded_token: expect.any(String),
        encoded_root_token: expect.any(String),
      }),
    );
    expect(done.body.encoded_root_token).toBe(done.body.encoded_token);
    const token = decodeRootToken(done.body.encoded_token, OTP);
    expect(token).toMatch(/^hvs\.[A-Za-z0-9]{24}$/);
    expect(token).not.toBe(init.root_token);
    const self = await call(fx.app, 'GET', '/v1/auth/token/lookup-self', { token });
    expect(self.status).toBe(200);
    expect(self.body.data.policies).toEqual(['root']);
    expect((await call(fx.app, 'PUT', '/v1/sys/rotate', { token })).status).toBe(204);
    expect((await call(fx.app, 'GET', '/v1/sys/generate-root/attempt')).body).toEqual(status());
  });

  it('without an OTP: the node makes one of 28 characters and shows it once', async () => {
    fx = await makeNode();
    const init = await initAndUnseal(fx.app, 1, 1);
    const st = await call(fx.app, 'PUT', '/v1/sys/generate-root/attempt', { body: {} });
    expect(st.body).toEqual(status({ nonce: UUID, started: true, required: 1, otp: expect.stringMatching(/^[A-Za-z0-9]{28}$/) }));
    const otp = st.body.otp as string;
    expect((await call(fx.app, 'GET', '/v1/sys/generate-root/attempt')).body.otp).toBe('');
    const done = await call(fx.app, 'PUT', '/v1/sys/generate-root/update', { body: { key: init.keys[0], nonce: st.body.nonce } });
    const token = decodeRootToken(done.body.encoded_token, otp);
    expect((await call(fx.app, 'GET', '/v1/auth/token/lookup-self', { token })).body.data.policies).toEqual(['root']);
  });

  it('refusals in Vault words change nothing; DELETE cancels', async () => {
    fx = await makeNode();
    const init = await initAndUnseal(fx.app);
    const before = await storageDigest(fx.backend);
    const bad: [string, string, unknown, string][] = [
      ['PUT', '/v1/sys/generate-root/update', { key: init.keys[0], nonce: 'x' }, 'no root generation in progress'],
      ['PUT', '/v1/sys/generate-root/attempt', { otp: 'short' }, 'OTP string is wrong length'],
      ['PUT', '/v1/sys/generate-root/attempt', { pgp_key: 'abc' }, 'PGP-encrypted root tokens are not supported by vaultlab'],
      [
        'PUT',
        '/v1/sys/generate-root/attempt',
        { otp: 5 },
        'failed to parse JSON input: json: cannot unmarshal number into Go struct field GenerateRootInitRequest.otp of type string',
      ],
    ];
    for (const [method, url, body, msg] of bad) {
      const r = await call(fx.app, method, url, { body });
      expect({ url, status: r.status, body: r.body }).toEqual({ url, status: 400, body: { errors: [msg] } });
    }
    const nonce = (await call(fx.app, 'PUT', '/v1/sys/generate-root/attempt', { body: { otp: OTP } })).body.nonce as string;
    expect((await call(fx.app, 'PUT', '/v1/sys/generate-root/attempt', { body: { otp: OTP } })).body).toEqual({
      errors: ['root generation already in progress'],
    });
    const during: [unknown, string][] = [
      [{ nonce }, "'key' must be specified in request body as JSON"],
      [{ key: '!!', nonce }, "'key' must be a valid hex or base64 string"],
      [{ key: init.keys[0], nonce: 'wrong' }, `incorrect nonce supplied; nonce for this root generation operation is "${nonce}"`],
    ];
    for (const [body, msg] of during) {
      const r = await call(fx.app, 'PUT', '/v1/sys/generate-root/update', { body });
      expect({ body, status: r.status, answer: r.body }).toEqual({ body, status: 400, answer: { errors: [msg] } });
    }
    await call(fx.app, 'PUT', '/v1/sys/generate-root/update', { body: { key: init.keys[0], nonce } });
    expect((await call(fx.app, 'PUT', '/v1/sys/generate-root/update', { body: { key: init.keys[0], nonce } })).body).toEqual({
      errors: ['given key has already been provided during this generation operation'],
    });
    const other = await makeNode();
    const foreign = await initAndUnseal(other.app);
    await other.close();
    // Shares carry a random x coordinate in their last byte: two foreign shares whose x differs from
    // the one already given, or Shamir refuses a duplicate before the key is tried at all.
    const xOf = (hex: string) => hex.slice(-2);
    const [f1, f2] = foreign.keys.filter((k) => xOf(k) !== xOf(init.keys[0]));
    await call(fx.app, 'PUT', '/v1/sys/generate-root/update', { body: { key: f1, nonce } });
    const wrong = await call(fx.app, 'PUT', '/v1/sys/generate-root/update', { body: { key: f2, nonce } });
    expect(wrong).toMatchObject({
      status: 400,
      body: { errors: ['root generation aborted: unable to authenticate: cipher: message authentication failed'] },
    });
    expect((await call(fx.app, 'GET', '/v1/sys/generate-root/attempt')).body).toEqual(status({ nonce, started: true }));
    expect(await storageDigest(fx.backend)).toBe(before);
    expect((await call(fx.app, 'DELETE', '/v1/sys/generate-root/attempt')).status).toBe(204);
    expect((await call(fx.app, 'GET', '/v1/sys/generate-root/attempt')).body).toEqual(status());
    expect(await storageDigest(fx.backend)).toBe(before);
  });

  it('an uninitialized node says so; a sealed one answers 503 and sealing ends an attempt', async () => {
    fx = await makeNode();
    for (const url of ['/v1/sys/generate-root/attempt', '/v1/sys/rekey/init']) {
      expect(await call(fx.app, 'GET', url)).toMatchObject({ status: 400, body: { errors: ['server is not yet initialized'] } });
    }
    const init = await initAndUnseal(fx.app);
    await call(fx.app, 'PUT', '/v1/sys/generate-root/attempt', { body: { otp: OTP } });
    await call(fx.app, 'PUT', '/v1/sys/seal', { token: init.root_token });
    for (const [method, url] of [
      ['GET', '/v1/sys/generate-root/attempt'],
      ['DELETE', '/v1/sys/generate-root/attempt'],
      ['PUT', '/v1/sys/generate-root/update'],
    ]) {
      const r = await call(fx.app, method, url, { body: { key: init.keys[0], nonce: 'x' } });
      expect({ url, method, status: r.status, body: r.body }).toEqual({ url, method, status: 503, body: { errors: ['Vault is sealed'] } });
    }
    for (const key of init.keys.slice(0, 3)) await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key } });
    expect((await call(fx.app, 'GET', '/v1/sys/generate-root/attempt')).body).toEqual(status());
  });
});
