/** node-vault drives issue 3's features over HTTP: mounts, KV v1 and v2 (LIST method included), policies, tokens. */
import nodeVault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listener } from '../../src/api/index.ts';
import { makeNode, type NodeFixture } from '../helpers/node-fixture.ts';

let fx: NodeFixture;
let srv: Listener;
let vault: ReturnType<typeof nodeVault>;

beforeAll(async () => {
  fx = await makeNode();
  srv = await listen(fx.app, '127.0.0.1', 0);
  vault = nodeVault({ apiVersion: 'v1', endpoint: srv.url });
  const init = await vault.init({ secret_shares: 1, secret_threshold: 1 });
  await vault.unseal({ secret_shares: 1, key: init.keys[0] });
  vault.token = init.root_token;
});
afterAll(async () => {
  await srv.close();
  fx.node.close();
  await fx.backend.close();
});

describe('node-vault', () => {
  it('mounts KV v1 and v2, writes, reads, lists (LIST) and deletes', async () => {
    await vault.mount({ mount_point: 'kv2', type: 'kv', options: { version: '2' } });
    await vault.mount({ mount_point: 'kv1', type: 'generic' });
    const mounts = await vault.mounts();
    expect(mounts.data['kv2/']).toMatchObject({ type: 'kv', options: { version: '2' } });
    expect(mounts['kv1/']).toMatchObject({ type: 'kv' });

    await vault.write('kv2/data/app/one', { data: { a: 1 } });
    await vault.write('kv2/data/app/two', { data: { b: 2 } });
    expect((await vault.read('kv2/data/app/one')).data.data).toEqual({ a: 1 });
    expect((await vault.list('kv2/metadata/app')).data.keys).toEqual(['one', 'two']);
    await vault.delete('kv2/metadata/app/two');
    expect((await vault.list('kv2/metadata/app')).data.keys).toEqual(['one']);

    await vault.write('kv1/team/cfg', { url: 'x' });
    expect((await vault.read('kv1/team/cfg')).data).toEqual({ url: 'x' });
    expect((await vault.list('kv1/team')).data.keys).toEqual(['cfg']);
    await vault.delete('kv1/team/cfg');
    await expect(vault.read('kv1/team/cfg')).rejects.toMatchObject({ response: { statusCode: 404 } });
    await vault.unmount({ mount_point: 'kv1' });
    expect((await vault.mounts()).data['kv1/']).toBeUndefined();
  });

  it('writes, reads, lists and removes policies, and creates, renews and revokes tokens', async () => {
    await vault.addPolicy({ name: 'app', rules: '{ "path": { "kv2/data/app/*": { "policy": "read" } } }' });
    expect((await vault.getPolicy({ name: 'app' })).rules).toContain('kv2/data/app/*');
    expect((await vault.policies()).policies).toEqual(['app', 'default', 'root']);

    const rootToken = vault.token;
    const created = await vault.tokenCreate({ policies: ['app'], ttl: '1h' });
    // node-vault switches its client to the token it just created (tokenSource): switch back.
    vault.token = rootToken;
    expect(created.auth.policies).toEqual(['app', 'default']);
    const child = nodeVault({ apiVersion: 'v1', endpoint: srv.url, token: created.auth.client_token });
    expect((await child.tokenLookupSelf()).data.policies).toEqual(['app', 'default']);
    expect((await child.read('kv2/data/app/one')).data.data).toEqual({ a: 1 });
    await expect(child.write('kv2/data/app/one', { data: { a: 2 } })).rejects.toMatchObject({ response: { statusCode: 403 } });
    const renewed = await child.tokenRenewSelf({ increment: '2h' });
    expect(renewed.auth.lease_duration).toBe(7200);
    await vault.tokenRevoke({ token: created.auth.client_token });
    await expect(child.tokenLookupSelf()).rejects.toMatchObject({ response: { statusCode: 403 } });

    await vault.removePolicy({ name: 'app' });
    expect((await vault.policies()).policies).toEqual(['default', 'root']);
  });
});
