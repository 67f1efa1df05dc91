/**
 * sys/rekey/init, update and verify on one node: a threshold of the current shares yields new
 * shares and a new seal configuration; the old shares then unseal nothing; with
 * require_verification the new key takes effect only once a threshold of new shares comes back.
 * Every refusal answers in Vault's words and changes nothing in storage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { combineShares, decodeKeyShare, NodeAead } from '../../src/crypto/index.ts';
import { call, initAndUnseal, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';
import { storageDigest } from '../helpers/storage-dump.ts';

let fx: NodeFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

function idle(required: number) {
  return {
    nonce: '',
    started: false,
    t: 0,
    n: 0,
    progress: 0,
    required,
    pgp_fingerprints: null,
    backup: false,
    verification_required: false,
  };
}

async function start(f: NodeFixture, body: Record<string, unknown>): Promise<string> {
  const res = await call(f.app, 'PUT', '/v1/sys/rekey/init', { body });
  expect(res.status, res.text).toBe(200);
  return res.body.nonce as string;
}

/** Seals and tries to unseal with `keys`; the node's state after. */
async function resealWith(f: NodeFixture, root: string, keys: string[]): Promise<{ sealed: boolean; errors: string[] }> {
  expect((await call(f.app, 'PUT', '/v1/sys/seal', { token: root })).status).toBe(204);
  const errors: string[] = [];
  for (const key of keys) {
    const r = await call(f.app, 'PUT', '/v1/sys/unseal', { body: { key } });
    if (r.status !== 200) errors.push(...r.body.errors);
  }
  return { sealed: (await call(f.app, 'GET', '/v1/sys/seal-status')).body.sealed, errors };
}

describe('sys/rekey', () => {
  it('status, start, progress, completion: new shares unseal, the old ones no longer do', async () => {
    fx = await makeNode();
    const init = await initAndUnseal(fx.app);
    expect((await call(fx.app, 'GET', '/v1/sys/rekey/init')).body).toEqual(idle(3));
    const nonce = await start(fx, { secret_shares: 3, secret_threshold: 2 });
    const started = { ...idle(3), nonce, started: true, t: 2, n: 3 };
    expect((await call(fx.app, 'GET', '/v1/sys/rekey/init')).body).toEqual({ ...started, nonce: UUID });
    const one = await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body: { key: init.keys[0], nonce } });
    expect(one.body).toEqual({ ...started, progress: 1 });
    await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body: { key: init.keys_base64[1], nonce } });
    const done = await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body: { key: init.keys[2], nonce } });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({
      nonce,
      complete: true,
      keys: [expect.stringMatching(/^[0-9a-f]{66}$/), expect.any(String), expect.any(String)],
      keys_base64: [expect.any(String), expect.any(String), expect.any(String)],
      pgp_fingerprints: null,
      backup: false,
      verification_required: false,
    });
    const newKeys = done.body.keys as string[];
    for (let i = 0; i < 3; i++) expect(Buffer.from(done.body.keys_base64[i], 'base64').toString('hex')).toBe(newKeys[i]);
    expect((await call(fx.app, 'GET', '/v1/sys/rekey/init')).body).toEqual(idle(2));
    expect((await call(fx.app, 'GET', '/v1/sys/seal-status')).body).toMatchObject({ t: 2, n: 3 });

    const old = await resealWith(fx, init.root_token, init.keys.slice(0, 3));
    expect(old.sealed).toBe(true);
    expect(old.errors[0]).toMatch(/^Unseal failed, invalid key/);
    await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { reset: true } });
    for (const key of newKeys.slice(1, 3)) await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key } });
    expect((await call(fx.app, 'GET', '/v1/sys/seal-status')).body.sealed).toBe(false);
  });

  it('makes a new root key: an old core/master opened with the old shares no longer opens the keyring, the new ones do', async () => {
    fx = await makeNode();
    const init = await initAndUnseal(fx.app);
    const raw = async (path: string) => (await fx!.backend.get(path))!;
    const open = (key: Uint8Array, path: string, value: Uint8Array) =>
      new NodeAead().open(key, value.subarray(5, 17), value.subarray(17), new TextEncoder().encode(path));
    const unsealKeyOf = (shares: string[]) => combineShares(shares.map(decodeKeyShare));
    const oldMaster = await raw('core/master');
    const oldKeyring = await raw('core/keyring');
    const nonce = await start(fx, { secret_shares: 3, secret_threshold: 2 });
    let done: { status: number; body: any } | undefined;
    for (const key of init.keys.slice(0, 3)) done = await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body: { key, nonce } });
    expect(done!.status).toBe(200);
    const oldRoot = open(await unsealKeyOf(init.keys.slice(0, 3)), 'core/master', oldMaster);
    expect(() => open(oldRoot, 'core/keyring', oldKeyring)).not.toThrow();
    const keyring = await raw('core/keyring');
    expect(() => open(oldRoot, 'core/keyring', keyring)).toThrow();
    const newRoot = open(await unsealKeyOf(done!.body.keys.slice(0, 2)), 'core/master', await raw('core/master'));
    expect(Buffer.from(newRoot).equals(Buffer.from(oldRoot))).toBe(false);
    expect(() => open(newRoot, 'core/keyring', keyring)).not.toThrow();
  });

  it('with require_verification: the new shares must come back before the rekey takes effect', async () => {
    fx = await makeNode();
    const init = await initAndUnseal(fx.app, 3, 2);
    const nonce = await start(fx, { secret_shares: 2, secret_threshold: 2, require_verification: true });
    await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body: { key: init.keys[0], nonce } });
    const done = await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body: { key: init.keys[1], nonce } });
    expect(done.body).toMatchObject({ complete: true, verification_required: true, verification_nonce: UUID });
    const vnonce = done.body.verification_nonce as string;
    const newKeys = done.body.keys as string[];
    expect((await call(fx.app, 'GET', '/v1/sys/rekey/init')).body).toEqual({
      ...idle(2),
      nonce,
      started: true,
      t: 2,
      n: 2,
      verification_required: true,
      verification_nonce: vnonce,
    });
    expect((await call(fx.app, 'GET', '/v1/sys/rekey/verify')).body).toEqual({ nonce: vnonce, started: true, t: 2, n: 2, progress: 0 });
    // Nothing took effect yet: the old shares still unseal.
    const again = await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body: { key: init.keys[2], nonce } });
    expect(again.body).toEqual({
      errors: [`rekey operation already finished; verification must be performed; nonce for the verification operation is "${vnonce}"`],
    });
    const wrongNonce = await call(fx.app, 'PUT', '/v1/sys/rekey/verify', { body: { key: newKeys[0], nonce: 'nope' } });
    expect(wrongNonce.body).toEqual({ errors: [`incorrect nonce supplied; nonce for this verify operation is "${vnonce}"`] });
    const v1 = await call(fx.app, 'PUT', '/v1/sys/rekey/verify', { body: { key: newKeys[0], nonce: vnonce } });
    expect(v1.body).toEqual({ nonce: vnonce, started: true, t: 2, n: 2, progress: 1 });
    const v2 = await call(fx.app, 'PUT', '/v1/sys/rekey/verify', { body: { key: newKeys[1], nonce: vnonce } });
    expect(v2.body).toEqual({ nonce: vnonce, complete: true });
    expect((await call(fx.app, 'GET', '/v1/sys/seal-status')).body).toMatchObject({ t: 2, n: 2 });
    expect((await resealWith(fx, init.root_token, newKeys)).sealed).toBe(false);
  });

  it('DELETE sys/rekey/verify starts the verification over under a new nonce; without a rekey it is a 400', async () => {
    fx = await makeNode();
    const init = await initAndUnseal(fx.app, 1, 1);
    expect((await call(fx.app, 'GET', '/v1/sys/rekey/verify')).body).toEqual({ errors: ['no rekey configuration found'] });
    const nonce = await start(fx, { secret_shares: 1, secret_threshold: 1, require_verification: true });
    const done = await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body: { key: init.keys[0], nonce } });
    const restarted = await call(fx.app, 'DELETE', '/v1/sys/rekey/verify');
    expect(restarted.body).toEqual({ nonce: UUID, started: true, t: 1, n: 1, progress: 0 });
    expect(restarted.body.nonce).not.toBe(done.body.verification_nonce);
    const wrong = await call(fx.app, 'PUT', '/v1/sys/rekey/verify', { body: { key: init.keys[0], nonce: restarted.body.nonce } });
    expect(wrong.body).toEqual({ errors: ['rekey verification failed; incorrect key shares supplied'] });
  });

  it('refusals in Vault words change nothing', async () => {
    fx = await makeNode();
    const init = await initAndUnseal(fx.app);
    const before = await storageDigest(fx.backend);
    const bad: [string, string, unknown, number, string][] = [
      ['PUT', '/v1/sys/rekey/update', { key: init.keys[0], nonce: 'x' }, 400, 'no barrier rekey in progress'],
      ['PUT', '/v1/sys/rekey/init', { secret_shares: 2, secret_threshold: 3 }, 400, 'provided threshold greater than the total shares'],
      [
        'PUT',
        '/v1/sys/rekey/init',
        { secret_shares: 3, secret_threshold: 1 },
        500,
        'invalid rekey seal configuration: threshold must be greater than one for multiple shares',
      ],
      [
        'PUT',
        '/v1/sys/rekey/init',
        { secret_shares: 3, secret_threshold: 2, pgp_keys: ['k1', 'k2', 'k3'] },
        400,
        'PGP-encrypted keys are not supported by vaultlab',
      ],
      [
        'PUT',
        '/v1/sys/rekey/init',
        { secret_shares: 3, secret_threshold: 2, backup: true },
        400,
        'cannot request a backup of the new keys without providing PGP keys for encryption',
      ],
      [
        'PUT',
        '/v1/sys/rekey/init',
        { secret_shares: '3', secret_threshold: 2 },
        400,
        'failed to parse JSON input: json: cannot unmarshal string into Go struct field RekeyRequest.secret_shares of type int',
      ],
      ['PUT', '/v1/sys/rekey/verify', { key: init.keys[0], nonce: '' }, 400, 'no rekey in progress'],
    ];
    for (const [method, url, body, status, msg] of bad) {
      const r = await call(fx.app, method, url, { body });
      expect({ url, status: r.status, body: r.body }).toEqual({ url, status, body: { errors: [msg] } });
    }
    const nonce = await start(fx, { secret_shares: 3, secret_threshold: 2 });
    const digest = await storageDigest(fx.backend);
    expect(digest).toBe(before);
    const during: [unknown, string][] = [
      [{ nonce }, "'key' must be specified in request body as JSON"],
      [{ key: 'zz', nonce }, "'key' must be a valid hex or base64 string"],
      [{ key: 'abcd', nonce }, 'key is shorter than minimum 16 bytes'],
      [{ key: init.keys[0], nonce: 'wrong' }, `incorrect nonce supplied; nonce for this rekey operation is "${nonce}"`],
    ];
    for (const [body, msg] of during) {
      const r = await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body });
      expect({ body, status: r.status, answer: r.body }).toEqual({ body, status: 400, answer: { errors: [msg] } });
    }
    expect((await call(fx.app, 'PUT', '/v1/sys/rekey/init', { body: { secret_shares: 3, secret_threshold: 2 } })).body).toEqual({
      errors: ['rekey already in progress'],
    });
    await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body: { key: init.keys[0], nonce } });
    const dup = await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body: { key: init.keys[0], nonce } });
    expect(dup.body).toEqual({ errors: ['given key has already been provided during this generation operation'] });
    // Shares of another Vault: they combine, but the key opens nothing.
    const other = await makeNode();
    const foreign = await initAndUnseal(other.app);
    await other.close();
    await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body: { key: foreign.keys[1], nonce } });
    const wrong = await call(fx.app, 'PUT', '/v1/sys/rekey/update', { body: { key: foreign.keys[2], nonce } });
    expect(wrong.body).toEqual({ errors: ['rootter key verification failed: cipher: message authentication failed'] });
    expect((await call(fx.app, 'GET', '/v1/sys/rekey/init')).body).toEqual({ ...idle(3), nonce, started: true, t: 2, n: 3 });
    expect(await storageDigest(fx.backend)).toBe(before);
    expect((await call(fx.app, 'DELETE', '/v1/sys/rekey/init')).status).toBe(204);
    expect((await call(fx.app, 'GET', '/v1/sys/rekey/init')).body).toEqual(idle(3));
    expect((await resealWith(fx, init.root_token, init.keys.slice(0, 3))).sealed).toBe(false);
  });

  it('a sealed node answers 503; sealing ends an attempt', async () => {
    fx = await makeNode();
    const init = await initAndUnseal(fx.app);
    await start(fx, { secret_shares: 3, secret_threshold: 2 });
    await call(fx.app, 'PUT', '/v1/sys/seal', { token: init.root_token });
    expect(await call(fx.app, 'GET', '/v1/sys/rekey/init')).toMatchObject({ status: 503, body: { errors: ['Vault is sealed'] } });
    for (const key of init.keys.slice(0, 3)) await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key } });
    expect((await call(fx.app, 'GET', '/v1/sys/rekey/init')).body).toEqual(idle(3));
  });
});
