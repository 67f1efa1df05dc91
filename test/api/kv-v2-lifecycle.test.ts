/** Issue 3's must-show: a KV v2 key's whole version lifecycle over HTTP, with exact statuses and bodies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';

let fx: NodeFixture;
let root: string;
const kv = (method: string, url: string, body?: unknown, headers?: Record<string, string>) => call(fx.app, method, url, { token: root, body, headers });

beforeAll(async () => {
  fx = await makeNode();
  const init = await fx.node.init({ secretShares: 1, secretThreshold: 1 });
  await fx.node.unseal({ key: init.keys[0] });
  root = init.rootToken;
  expect((await kv('POST', '/v1/sys/mounts/secret', { type: 'kv', options: { version: 2 } })).status).toBe(204);
});
afterAll(() => fx.close());

describe('KV v2 version lifecycle', () => {
  it('writes three versions, deletes two, undeletes one, destroys one, enforces cas and trims to max_versions', async () => {
    for (let v = 1; v <= 3; v++) {
      const w = await kv('POST', '/v1/secret/data/app', { data: { v } });
      expect(w.status).toBe(200);
      expect(w.body.data).toMatchObject({ version: v, destroyed: false, deletion_time: '', custom_metadata: null });
    }
    expect((await kv('GET', '/v1/secret/data/app')).body.data).toMatchObject({ data: { v: 3 }, metadata: { version: 3 } });
    expect((await kv('GET', '/v1/secret/data/app?version=1')).body.data.data).toEqual({ v: 1 });

    expect((await kv('DELETE', '/v1/secret/data/app')).status).toBe(204);
    expect((await kv('POST', '/v1/secret/delete/app', { versions: [1] })).status).toBe(204);
    const deleted = await kv('GET', '/v1/secret/data/app');
    expect(deleted.status).toBe(404);
    expect(deleted.body.data.data).toBeNull();
    expect(deleted.body.data.metadata.version).toBe(3);
    expect(deleted.body.data.metadata.deletion_time).not.toBe('');
    expect(deleted.body.request_id).toBeDefined();

    expect((await kv('POST', '/v1/secret/undelete/app', { versions: [3] })).status).toBe(204);
    expect((await kv('GET', '/v1/secret/data/app')).body.data.data).toEqual({ v: 3 });
    expect((await kv('GET', '/v1/secret/data/app?version=1')).status).toBe(404);

    expect((await kv('POST', '/v1/secret/destroy/app', { versions: [2] })).status).toBe(204);
    const destroyed = await kv('GET', '/v1/secret/data/app?version=2');
    expect(destroyed.status).toBe(404);
    expect(destroyed.body.data.metadata).toMatchObject({ version: 2, destroyed: true });
    expect((await kv('POST', '/v1/secret/undelete/app', { versions: [2] })).status).toBe(204);
    expect((await kv('GET', '/v1/secret/data/app?version=2')).status).toBe(404);

    const conflict = await kv('POST', '/v1/secret/data/app', { options: { cas: 1 }, data: { v: 4 } });
    expect(conflict).toMatchObject({ status: 400, body: { errors: ['check-and-set parameter did not match the current version'] } });
    expect((await kv('POST', '/v1/secret/data/app', { options: { cas: 3 }, data: { v: 4 } })).body.data.version).toBe(4);
    expect((await kv('POST', '/v1/secret/data/fresh', { options: { cas: 0 }, data: { a: 1 } })).status).toBe(200);
    expect((await kv('POST', '/v1/secret/data/fresh', { options: { cas: 0 }, data: { a: 2 } })).status).toBe(400);

    expect((await kv('POST', '/v1/secret/metadata/app', { max_versions: 2 })).status).toBe(204);
    await kv('POST', '/v1/secret/data/app', { data: { v: 5 } });
    const meta = (await kv('GET', '/v1/secret/metadata/app')).body.data;
    expect(meta).toMatchObject({ current_version: 5, oldest_version: 4, max_versions: 2 });
    expect(Object.keys(meta.versions)).toEqual(['4', '5']);
    expect((await kv('GET', '/v1/secret/data/app?version=3')).status).toBe(404);
  });

  it('patches with merge-patch, lists, reads subkeys and deletes all metadata', async () => {
    await kv('POST', '/v1/secret/data/team/a', { data: { user: 'u', nested: { k: 1, drop: 2 } } });
    const p = await kv('PATCH', '/v1/secret/data/team/a', { data: { nested: { drop: null, add: 3 } } }, { 'content-type': 'application/merge-patch+json' });
    expect(p.status).toBe(200);
    expect((await kv('GET', '/v1/secret/data/team/a')).body.data.data).toEqual({ user: 'u', nested: { k: 1, add: 3 } });
    expect((await kv('GET', '/v1/secret/subkeys/team/a')).body.data.subkeys).toEqual({ user: null, nested: { k: null, add: null } });
    expect((await kv('GET', '/v1/secret/metadata/?list=true')).body.data.keys).toEqual(['app', 'fresh', 'team/']);
    expect((await kv('PATCH', '/v1/secret/data/none', { data: { a: 1 } }, { 'content-type': 'application/merge-patch+json' })).status).toBe(404);
    expect((await kv('DELETE', '/v1/secret/metadata/team/a')).status).toBe(204);
    expect((await kv('GET', '/v1/secret/data/team/a')).status).toBe(404);
    expect((await kv('GET', '/v1/secret/metadata/team/?list=true')).status).toBe(404);
  });

  it('answers a non-v2 path with 404 and Vault\'s warning, and honours config', async () => {
    const wrong = await kv('GET', '/v1/secret/app');
    expect(wrong.status).toBe(404);
    expect(wrong.body.warnings[0]).toMatch(/^Invalid path for a versioned K\/V secrets engine/);
    expect((await kv('POST', '/v1/secret/config', { cas_required: true, max_versions: 3 })).status).toBe(204);
    expect((await kv('GET', '/v1/secret/config')).body.data).toEqual({ cas_required: true, delete_version_after: '0s', max_versions: 3 });
    expect((await kv('POST', '/v1/secret/data/new', { data: { a: 1 } })).body.errors).toEqual(['check-and-set parameter required for this call']);
    await kv('POST', '/v1/secret/config', { cas_required: false });
  });
});

describe('KV v1, mounts and cubbyhole', () => {
  it('round-trips KV v1 with a lease, lists and deletes', async () => {
    expect((await kv('POST', '/v1/sys/mounts/kv1', { type: 'kv-v1' })).status).toBe(204);
    expect((await kv('PUT', '/v1/kv1/a/b', { x: 1, y: 'z' })).status).toBe(204);
    const r = await kv('GET', '/v1/kv1/a/b');
    expect(r.body).toMatchObject({ data: { x: 1, y: 'z' }, lease_duration: 2764800, mount_type: 'kv' });
    expect((await kv('GET', '/v1/kv1/a?list=true')).body.data.keys).toEqual(['b']);
    expect((await kv('PUT', '/v1/kv1/a/c', {})).body.errors).toEqual(['missing data fields']);
    expect((await kv('DELETE', '/v1/kv1/a/b')).status).toBe(204);
    expect((await kv('GET', '/v1/kv1/a/b')).status).toBe(404);
  });

  it('lists, reads, tunes and disables mounts, removing their data', async () => {
    await kv('POST', '/v1/sys/mounts/temp', { type: 'kv', options: { version: '2' }, description: 'scratch' });
    const list = await kv('GET', '/v1/sys/mounts');
    expect(Object.keys(list.body.data).sort()).toEqual(['cubbyhole/', 'identity/', 'kv1/', 'secret/', 'sys/', 'temp/']);
    expect(list.body['temp/']).toMatchObject({ type: 'kv', description: 'scratch', options: { version: '2' } });
    expect((await kv('GET', '/v1/sys/mounts/temp')).body.data).toMatchObject({ type: 'kv' });
    expect((await kv('POST', '/v1/sys/mounts/temp/tune', { default_lease_ttl: '1h' })).status).toBe(204);
    expect((await kv('GET', '/v1/sys/mounts/temp/tune')).body.data).toMatchObject({ default_lease_ttl: 3600, max_lease_ttl: 2764800 });
    await kv('POST', '/v1/temp/data/k', { data: { a: 1 } });
    const uuid = list.body.data['temp/'].uuid;
    expect((await fx.backend.list(`logical/${uuid}/`)).length).toBeGreaterThan(0);
    expect((await kv('DELETE', '/v1/sys/mounts/temp')).status).toBe(204);
    expect(await fx.backend.list(`logical/${uuid}/`)).toEqual([]);
    expect((await kv('GET', '/v1/temp/data/k')).body.errors[0]).toMatch(/no handler for route/);
    expect((await kv('GET', '/v1/sys/auth')).body.data['token/']).toMatchObject({ type: 'token' });
    expect((await kv('GET', '/v1/sys/internal/ui/mounts/secret/foo')).body.data).toMatchObject({ path: 'secret/', options: { version: '2' } });
  });

  it('keeps each token\'s cubbyhole private and drops it on revocation', async () => {
    const child = (await kv('POST', '/v1/auth/token/create', { policies: ['default'] })).body.auth.client_token;
    expect((await call(fx.app, 'POST', '/v1/cubbyhole/note', { token: child, body: { s: 'mine' } })).status).toBe(204);
    expect((await call(fx.app, 'GET', '/v1/cubbyhole/note', { token: child })).body.data).toEqual({ s: 'mine' });
    expect((await kv('GET', '/v1/cubbyhole/note')).status).toBe(404);
    const before = (await fx.backend.list('logical/')).length;
    expect((await kv('POST', '/v1/auth/token/revoke', { token: child })).status).toBe(204);
    const cubby = (await kv('GET', '/v1/sys/mounts')).body.data['cubbyhole/'].uuid;
    expect(await fx.backend.list(`logical/${cubby}/`)).toEqual([]);
    expect(before).toBeGreaterThan(0);
  });
});
