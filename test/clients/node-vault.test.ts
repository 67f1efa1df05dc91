/** A real client library, node-vault (axios), drives a real node over HTTP: init, unseal, write, read, seal-status. */
import nodeVault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listener } from '../../src/api/index.ts';
import { makeNode, type NodeFixture } from '../helpers/node-fixture.ts';

let fx: NodeFixture;
let srv: Listener;

beforeAll(async () => {
  fx = await makeNode();
  srv = await listen(fx.app, '127.0.0.1', 0);
});
afterAll(async () => {
  await srv.close();
  fx.node.close();
  await fx.backend.close();
});

describe('node-vault against a vaultlab node', () => {
  it('inits, unseals, writes and reads a secret, and reads seal-status', async () => {
    const vault = nodeVault({ apiVersion: 'v1', endpoint: srv.url });
    expect(await vault.initialized()).toEqual({ initialized: false });
    const init = await vault.init({ secret_shares: 5, secret_threshold: 3 });
    expect(init.keys).toHaveLength(5);
    let status = await vault.status();
    expect(status).toMatchObject({ sealed: true, t: 3, n: 5, progress: 0 });
    await vault.unseal({ secret_shares: 1, key: init.keys[4] });
    await vault.unseal({ secret_shares: 1, key: init.keys_base64[1] });
    status = await vault.unseal({ secret_shares: 1, key: init.keys[0] });
    expect(status.sealed).toBe(false);
    vault.token = init.root_token;
    // A fresh (non-dev) node has no secret/ mount: put the KV v2 engine there the way the dev server does.
    await fx.node.system.mounts.add(
      (await import('../../src/node/logical/mounts.ts')).newMount('secret/', 'kv', 'key/value secret storage', {
        options: { version: '2' },
      }),
    );
    await vault.write('secret/data/hello', { data: { foo: 'world' } });
    const read = await vault.read('secret/data/hello');
    expect(read.data.data).toEqual({ foo: 'world' });
    expect(read.data.metadata.version).toBe(1);
    const health = await vault.health();
    expect(health).toMatchObject({ initialized: true, sealed: false, standby: false });
    await expect(vault.read('secret/data/missing')).rejects.toMatchObject({ response: { statusCode: 404 } });
  });
});
