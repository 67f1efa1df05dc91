/**
 * Vault's two answers where no handler serves a request: 404 "unsupported path" when the
 * mount has no path like it (clients read it as an invalid path), 405 "unsupported
 * operation" when the path exists without that operation. Both change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';

let fx: NodeFixture;
let root: string;

beforeAll(async () => {
  fx = await makeNode();
  const init = await fx.node.init({ secretShares: 1, secretThreshold: 1, devKvVersion: 2 });
  await fx.node.unseal({ key: init.keys[0] });
  root = init.rootToken;
});
afterAll(() => fx.close());

const UNSUPPORTED_PATH = { errors: ['1 error occurred:\n\t* unsupported path\n\n'] };
const UNSUPPORTED_OPERATION = { errors: ['1 error occurred:\n\t* unsupported operation\n\n'] };

describe('unsupported paths and operations', () => {
  it.each([
    ['GET', '/v1/sys/no-such-endpoint'],
    ['POST', '/v1/sys/no-such-endpoint'],
    ['DELETE', '/v1/sys/mounts-typo/x'],
    ['GET', '/v1/auth/token/no-such-endpoint'],
    ['POST', '/v1/auth/token/create-orphan/some-role'],
  ])('%s %s: 404 unsupported path', async (method, url) => {
    const r = await call(fx.app, method, url, { token: root, body: method === 'POST' ? {} : undefined });
    expect(r.status).toBe(404);
    expect(r.body).toEqual(UNSUPPORTED_PATH);
  });

  it.each([
    ['GET', '/v1/auth/token/create'],
    ['DELETE', '/v1/auth/token/lookup-self'],
    ['GET', '/v1/secret/delete/x'],
  ])('%s %s: 405 unsupported operation', async (method, url) => {
    const r = await call(fx.app, method, url, { token: root });
    expect(r.status).toBe(405);
    expect(r.body).toEqual(UNSUPPORTED_OPERATION);
  });

  it('an unsupported path still needs a token: the ACL comes first, as in Vault', async () => {
    const r = await call(fx.app, 'GET', '/v1/sys/no-such-endpoint');
    expect(r.status).toBe(403);
  });

  it('a POST to an unsupported path writes nothing', async () => {
    const before = (await call(fx.app, 'GET', '/v1/sys/mounts', { token: root })).body.data;
    await call(fx.app, 'POST', '/v1/sys/no-such-endpoint', { token: root, body: { type: 'kv' } });
    expect((await call(fx.app, 'GET', '/v1/sys/mounts', { token: root })).body.data).toEqual(before);
  });
});
