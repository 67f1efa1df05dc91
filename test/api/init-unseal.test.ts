/** Issue 2's unseal lesson over HTTP: init 5/3, any 3 shares in any order, resets, re-seal, restart on level. */
import { afterEach, describe, expect, it } from 'vitest';
import { call, makeNode, removeDir, type NodeFixture } from '../helpers/node-fixture.ts';

let fx: NodeFixture | undefined;
afterEach(async () => {
  await fx?.close();
  await removeDir(fx?.dir);
  fx = undefined;
});

async function init(app: NodeFixture['app'], shares = 5, threshold = 3) {
  const res = await call(app, 'PUT', '/v1/sys/init', { body: { secret_shares: shares, secret_threshold: threshold } });
  expect(res.status).toBe(200);
  return res.body as { keys: string[]; keys_base64: string[]; root_token: string };
}

describe('sys/init', () => {
  it('returns 5 hex and base64 shares of the same bytes and a root token, and leaves the node sealed', async () => {
    fx = await makeNode();
    expect((await call(fx.app, 'GET', '/v1/sys/init')).body).toEqual({ initialized: false });
    const res = await init(fx.app);
    expect(res.keys).toHaveLength(5);
    for (let i = 0; i < 5; i++) {
      expect(res.keys[i]).toMatch(/^[0-9a-f]{66}$/);
      expect(Buffer.from(res.keys_base64[i], 'base64').toString('hex')).toBe(res.keys[i]);
    }
    expect(res.root_token).toMatch(/^hvs\.[A-Za-z0-9]{24}$/);
    const status = await call(fx.app, 'GET', '/v1/sys/seal-status');
    expect(status.body).toMatchObject({ type: 'shamir', initialized: true, sealed: true, t: 3, n: 5, progress: 0, nonce: '' });
    expect((await call(fx.app, 'GET', '/v1/sys/init')).body).toEqual({ initialized: true });
  });

  it("refuses a second init with Vault's message", async () => {
    fx = await makeNode();
    await init(fx.app);
    const again = await call(fx.app, 'PUT', '/v1/sys/init', { body: { secret_shares: 5, secret_threshold: 3 } });
    expect(again).toMatchObject({ status: 400, body: { errors: ['Vault is already initialized'] } });
  });

  it.each([
    [5, 6, 'invalid seal configuration: threshold cannot be larger than shares'],
    [256, 3, 'invalid seal configuration: shares must be less than 256'],
    [5, 1, 'invalid seal configuration: threshold must be greater than one for multiple shares'],
    [0, 0, 'invalid seal configuration: shares must be at least one'],
  ])('refuses %i shares with threshold %i', async (shares, threshold, message) => {
    fx = await makeNode();
    const res = await call(fx.app, 'PUT', '/v1/sys/init', { body: { secret_shares: shares, secret_threshold: threshold } });
    expect(res).toMatchObject({ status: 400, body: { errors: [message] } });
    expect((await call(fx.app, 'GET', '/v1/sys/init')).body).toEqual({ initialized: false });
  });

  it('accepts 1-of-1, whose single key is the 32-byte unseal key itself', async () => {
    fx = await makeNode();
    const res = await init(fx.app, 1, 1);
    expect(res.keys[0]).toMatch(/^[0-9a-f]{64}$/);
    const un = await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys_base64[0] } });
    expect(un.body).toMatchObject({ sealed: false, t: 1, n: 1 });
  });
});

describe('sys/unseal', () => {
  const orders = [
    [0, 1, 2],
    [4, 2, 0],
    [3, 1, 4],
    [2, 4, 3],
  ];
  it.each(orders)('unseals with shares %i, %i, %i mixing hex and base64, progress 1 then 2', async (a, b, c) => {
    fx = await makeNode();
    const res = await init(fx.app);
    const first = await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys[a] } });
    expect(first.body).toMatchObject({ sealed: true, progress: 1 });
    expect(first.body.nonce).toMatch(/^[0-9a-f-]{36}$/);
    const second = await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys_base64[b] } });
    expect(second.body).toMatchObject({ sealed: true, progress: 2, nonce: first.body.nonce });
    const third = await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys[c] } });
    expect(third.body).toMatchObject({ sealed: false, progress: 0, nonce: '' });
    expect(third.body.cluster_name).toMatch(/^vault-cluster-/);
    expect((await call(fx.app, 'GET', '/v1/sys/health')).status).toBe(200);
  });

  it('never unseals with two shares, and a duplicate share does not advance', async () => {
    fx = await makeNode();
    const res = await init(fx.app);
    await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys[0] } });
    const dup = await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys_base64[0] } });
    expect(dup.body).toMatchObject({ sealed: true, progress: 1 });
    expect(dup.body.warnings).toHaveLength(1);
    await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys[1] } });
    expect((await call(fx.app, 'GET', '/v1/sys/seal-status')).body).toMatchObject({ sealed: true, progress: 2 });
    expect((await call(fx.app, 'GET', '/v1/secret/data/x', { token: res.root_token })).status).toBe(503);
  });

  it('answers 400 to a share from another init at the threshold, resets progress and stays sealed', async () => {
    fx = await makeNode();
    const res = await init(fx.app);
    const other = await makeNode();
    const foreign = await init(other.app);
    await other.close();
    await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys[0] } });
    await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys[1] } });
    const bad = await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: foreign.keys[2] } });
    expect(bad.status).toBe(400);
    // Vault's words first; then which stored key failed, and that a corrupt one would look the same.
    expect(bad.body.errors).toHaveLength(1);
    expect(bad.body.errors[0]).toMatch(
      /^Unseal failed, invalid key: .*core\/master.*key shares are not this Vault's, or core\/master is corrupt/,
    );
    expect((await call(fx.app, 'GET', '/v1/sys/seal-status')).body).toMatchObject({ sealed: true, progress: 0, nonce: '' });
    for (const k of [2, 3, 4]) await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys[k] } });
    expect((await call(fx.app, 'GET', '/v1/sys/seal-status')).body.sealed).toBe(false);
  });

  it('resets progress on request, and refuses a reset once unsealed', async () => {
    fx = await makeNode();
    const res = await init(fx.app);
    await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys[0] } });
    const reset = await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { reset: true, key: res.keys[1] } });
    expect(reset.body).toMatchObject({ sealed: true, progress: 0, nonce: '' });
    for (const k of [1, 2, 3]) await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { Key: res.keys[k] } });
    const late = await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { reset: true } });
    expect(late).toMatchObject({ status: 400, body: { errors: ['vault is unsealed'] } });
  });

  it('seals with the root token and unseals again', async () => {
    fx = await makeNode();
    const res = await init(fx.app);
    for (const k of [0, 1, 2]) await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys[k] } });
    expect((await call(fx.app, 'PUT', '/v1/sys/seal')).status).toBe(403);
    expect((await call(fx.app, 'PUT', '/v1/sys/seal', { token: res.root_token })).status).toBe(204);
    expect((await call(fx.app, 'GET', '/v1/sys/seal-status')).body).toMatchObject({ sealed: true, progress: 0 });
    expect((await call(fx.app, 'GET', '/v1/sys/health')).status).toBe(503);
    expect((await call(fx.app, 'GET', '/v1/auth/token/lookup-self', { token: res.root_token })).body).toEqual({
      errors: ['Vault is sealed'],
    });
    for (const k of [4, 3, 2]) await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: res.keys[k] } });
    const look = await call(fx.app, 'GET', '/v1/auth/token/lookup-self', { token: res.root_token });
    expect(look.status).toBe(200);
    expect(look.body.data).toMatchObject({ id: res.root_token, policies: ['root'], path: 'auth/token/root', ttl: 0 });
  });
});

describe('restart on level storage', () => {
  it('comes back sealed, and the data written before is there after unseal', async () => {
    fx = await makeNode({ storage: 'level' });
    const dir = fx.dir!;
    const init = await fx.node.init({ secretShares: 5, secretThreshold: 3, devKvVersion: 2 });
    for (const k of [0, 1, 2]) await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: init.keys[k] } });
    const put = await call(fx.app, 'POST', '/v1/secret/data/app', { token: init.rootToken, body: { data: { password: 'hunter2' } } });
    expect(put.status).toBe(200);
    await fx.close();
    fx = await makeNode({ storage: 'level', dir });
    expect((await call(fx.app, 'GET', '/v1/sys/seal-status')).body).toMatchObject({ initialized: true, sealed: true, t: 3, n: 5 });
    for (const k of [3, 4, 0]) await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: init.keysBase64[k] } });
    const get = await call(fx.app, 'GET', '/v1/secret/data/app', { token: init.rootToken });
    expect(get.status).toBe(200);
    expect(get.body.data.data).toEqual({ password: 'hunter2' });
    expect(get.body.data.metadata.version).toBe(1);
  });
});
