/**
 * KV v1 over HTTP (flat objects with a lease, list, delete) and cubbyhole (the same
 * storage semantics, private to each token and gone when the token is revoked).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearCubbyhole } from '../../src/node/logical/engines/kv/cubbyhole-engine.ts';
import { expectEnvelope, expectErrors, expectNoContent, kvNode, type KvNode } from '../node/logical/engines/kv-fixture.ts';

let n: KvNode;

beforeAll(async () => {
  n = await kvNode();
  expectNoContent(await n.req('POST', '/v1/sys/mounts/kv1', { type: 'kv-v1' }));
});
afterAll(() => n.close());

describe('KV v1', () => {
  it('round-trips a flat object with the system default lease, lists and deletes', async () => {
    expectNoContent(await n.req('PUT', '/v1/kv1/a/b', { x: 1, y: 'z', nested: { ok: true } }));
    expectEnvelope(await n.req('GET', '/v1/kv1/a/b'), 200, { x: 1, y: 'z', nested: { ok: true } }, { leaseDuration: 2764800 });
    // A write replaces the whole object.
    expectNoContent(await n.req('POST', '/v1/kv1/a/b', { only: 'this' }));
    expectEnvelope(await n.req('GET', '/v1/kv1/a/b'), 200, { only: 'this' }, { leaseDuration: 2764800 });
    await n.req('PUT', '/v1/kv1/a/c/d', { v: 1 });
    await n.req('PUT', '/v1/kv1/top', { v: 1 });
    expectEnvelope(await n.req('GET', '/v1/kv1/a?list=true'), 200, { keys: ['b', 'c/'] });
    expectEnvelope(await n.req('GET', '/v1/kv1/?list=true'), 200, { keys: ['a/', 'top'] });
    expectErrors(await n.req('GET', '/v1/kv1/nothing?list=true'), 404, []);
    expectNoContent(await n.req('DELETE', '/v1/kv1/a/b'));
    expectErrors(await n.req('GET', '/v1/kv1/a/b'), 404, []);
    expectNoContent(await n.req('DELETE', '/v1/kv1/a/b'));
  });

  it('reports a ttl or lease key of the data as the lease, and the mount default otherwise', async () => {
    await n.req('PUT', '/v1/kv1/ttl', { ttl: '1h', v: 1 });
    await n.req('PUT', '/v1/kv1/lease', { lease: 90 });
    await n.req('PUT', '/v1/kv1/bad-ttl', { ttl: 'soon' });
    expect((await n.req('GET', '/v1/kv1/ttl')).body.lease_duration).toBe(3600);
    expect((await n.req('GET', '/v1/kv1/lease')).body.lease_duration).toBe(90);
    expect((await n.req('GET', '/v1/kv1/bad-ttl')).body.lease_duration).toBe(2764800);
    expectNoContent(await n.req('POST', '/v1/sys/mounts/kv1/tune', { default_lease_ttl: '2h' }));
    expect((await n.req('GET', '/v1/kv1/top')).body.lease_duration).toBe(7200);
    expect((await n.req('GET', '/v1/kv1/ttl')).body.lease_duration).toBe(3600);
  });

  it('refuses an empty write, a write to the mount root and a patch, changing nothing', async () => {
    const before = await n.digest();
    expectErrors(await n.req('PUT', '/v1/kv1/empty', {}), 400, ['missing data fields']);
    expectErrors(await n.req('POST', '/v1/kv1', { a: 1 }), 400, ['missing path']);
    expectErrors(await n.req('PATCH', '/v1/kv1/top', { v: 2 }, { headers: { 'content-type': 'application/merge-patch+json' } }), 405, [
      '1 error occurred:\n\t* unsupported operation\n\n',
    ]);
    expect(await n.digest()).toBe(before);
  });
});

describe('cubbyhole', () => {
  let other: string;
  let cubbyUuid: string;

  beforeAll(async () => {
    other = (await n.req('POST', '/v1/auth/token/create', { policies: ['default'] })).body.auth.client_token;
    cubbyUuid = (await n.req('GET', '/v1/sys/mounts')).body.data['cubbyhole/'].uuid;
  });

  it('gives each token its own private space, with no lease', async () => {
    expectNoContent(await n.req('POST', '/v1/cubbyhole/note', { s: 'root' }));
    expectNoContent(await n.req('POST', '/v1/cubbyhole/note', { s: 'other' }, { token: other }));
    await n.req('POST', '/v1/cubbyhole/dir/only-other', { s: 1 }, { token: other });
    expectEnvelope(await n.req('GET', '/v1/cubbyhole/note'), 200, { s: 'root' }, { mountType: 'cubbyhole' });
    expectEnvelope(await n.req('GET', '/v1/cubbyhole/note', undefined, { token: other }), 200, { s: 'other' }, { mountType: 'cubbyhole' });
    expectEnvelope(
      await n.req('GET', '/v1/cubbyhole/?list=true', undefined, { token: other }),
      200,
      { keys: ['dir/', 'note'] },
      { mountType: 'cubbyhole' },
    );
    expectEnvelope(await n.req('GET', '/v1/cubbyhole/?list=true'), 200, { keys: ['note'] }, { mountType: 'cubbyhole' });
    expectErrors(await n.req('GET', '/v1/cubbyhole/dir/only-other'), 404, []);
    // One token's delete never reaches the other's entry.
    expectNoContent(await n.req('DELETE', '/v1/cubbyhole/note', undefined, { token: other }));
    expectErrors(await n.req('GET', '/v1/cubbyhole/note', undefined, { token: other }), 404, []);
    expect((await n.req('GET', '/v1/cubbyhole/note')).body.data).toEqual({ s: 'root' });
  });

  it('is keyed by the salted hash of the token id, never the id itself', async () => {
    const folders = await n.fx.backend.list(`logical/${cubbyUuid}/`);
    expect(folders).toContain(`${n.fx.node.system.tokens.hash(other)}/`);
    expect(folders.join()).not.toContain(other);
  });

  it("is emptied when its token is revoked, leaving other tokens' cubbyholes alone", async () => {
    const hash = n.fx.node.system.tokens.hash(other);
    expect(await n.fx.backend.list(`logical/${cubbyUuid}/${hash}/`)).not.toEqual([]);
    expectNoContent(await n.req('POST', '/v1/auth/token/revoke', { token: other }));
    expect(await n.fx.backend.list(`logical/${cubbyUuid}/${hash}/`)).toEqual([]);
    expect((await n.req('GET', '/v1/cubbyhole/note')).body.data).toEqual({ s: 'root' });
  });

  it("clearCubbyhole removes exactly one token's entries", async () => {
    const third = (await n.req('POST', '/v1/auth/token/create', { policies: ['default'] })).body.auth.client_token;
    await n.req('POST', '/v1/cubbyhole/a/b', { v: 1 }, { token: third });
    await clearCubbyhole(n.fx.node.system, n.fx.node.system.tokens.hash(third));
    expectErrors(await n.req('GET', '/v1/cubbyhole/a/b', undefined, { token: third }), 404, []);
    expect((await n.req('GET', '/v1/cubbyhole/note')).body.data).toEqual({ s: 'root' });
  });
});
