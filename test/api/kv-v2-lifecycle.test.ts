/**
 * Issue 3's must-show: one KV v2 key's whole version lifecycle over HTTP (write three
 * versions, delete two, undelete, destroy one, a cas conflict, max_versions trimming),
 * each step checked against Vault's exact status and body. The clock is simulated, so
 * every timestamp in a body is known.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, expectEnvelope, expectErrors, expectNoContent, kvNode, type KvNode } from '../node/logical/engines/kv-fixture.ts';

let n: KvNode;
let mountUuid: string;
const SECOND = 1000;

/** The envelope metadata of one version. */
const meta = (version: number, created: number, extra: { deletion_time?: string; destroyed?: boolean } = {}) => ({
  created_time: at(created),
  custom_metadata: null,
  deletion_time: extra.deletion_time ?? '',
  destroyed: extra.destroyed ?? false,
  version,
});

/** Version numbers whose data is still in storage for 'app' (versions live under a hash of the key). */
function storedVersions(): Promise<string[]> {
  const hash = createHash('sha256').update('app').digest('hex');
  return n.fx.backend.list(`logical/${mountUuid}/versions/${hash}/`);
}

beforeAll(async () => {
  n = await kvNode();
  expectNoContent(await n.req('POST', '/v1/sys/mounts/secret', { type: 'kv', options: { version: 2 } }));
  mountUuid = (await n.req('GET', '/v1/sys/mounts/secret')).body.data.uuid;
});
afterAll(() => n.close());

describe('KV v2 version lifecycle over HTTP', () => {
  it('writes three versions, each answered with its metadata', async () => {
    for (let v = 1; v <= 3; v++) {
      if (v > 1) await n.clock.advance(SECOND);
      expectEnvelope(await n.req('POST', '/v1/secret/data/app', { data: { v } }), 200, meta(v, (v - 1) * SECOND));
    }
    expectEnvelope(await n.req('GET', '/v1/secret/data/app'), 200, { data: { v: 3 }, metadata: meta(3, 2 * SECOND) });
    expectEnvelope(await n.req('GET', '/v1/secret/data/app?version=1'), 200, { data: { v: 1 }, metadata: meta(1, 0) });
    expect(await storedVersions()).toEqual(['1', '2', '3']);
  });

  it('deletes the latest and one more; a deleted version is a 404 that still carries its metadata', async () => {
    await n.clock.advance(SECOND); // t = 3s
    expectNoContent(await n.req('DELETE', '/v1/secret/data/app'));
    expectNoContent(await n.req('POST', '/v1/secret/delete/app', { versions: [1] }));
    expectEnvelope(await n.req('GET', '/v1/secret/data/app'), 404, {
      data: null,
      metadata: meta(3, 2 * SECOND, { deletion_time: at(3 * SECOND) }),
    });
    expectEnvelope(await n.req('GET', '/v1/secret/data/app?version=1'), 404, {
      data: null,
      metadata: meta(1, 0, { deletion_time: at(3 * SECOND) }),
    });
    expectEnvelope(await n.req('GET', '/v1/secret/data/app?version=2'), 200, { data: { v: 2 }, metadata: meta(2, SECOND) });
    // Soft delete keeps the data.
    expect(await storedVersions()).toEqual(['1', '2', '3']);
  });

  it('undeletes a version, which reads again', async () => {
    expectNoContent(await n.req('POST', '/v1/secret/undelete/app', { versions: [3] }));
    expectEnvelope(await n.req('GET', '/v1/secret/data/app'), 200, { data: { v: 3 }, metadata: meta(3, 2 * SECOND) });
    expectEnvelope(await n.req('GET', '/v1/secret/data/app?version=1'), 404, {
      data: null,
      metadata: meta(1, 0, { deletion_time: at(3 * SECOND) }),
    });
  });

  it('destroys a version for good: its data leaves storage and undelete cannot bring it back', async () => {
    expectNoContent(await n.req('POST', '/v1/secret/destroy/app', { versions: [2] }));
    expectEnvelope(await n.req('GET', '/v1/secret/data/app?version=2'), 404, {
      data: null,
      metadata: meta(2, SECOND, { destroyed: true }),
    });
    expect(await storedVersions()).toEqual(['1', '3']);
    expectNoContent(await n.req('POST', '/v1/secret/undelete/app', { versions: [2] }));
    expect((await n.req('GET', '/v1/secret/data/app?version=2')).status).toBe(404);
  });

  it('refuses a write whose cas does not match, changing nothing, and accepts the matching one', async () => {
    const before = await n.digest();
    expectErrors(await n.req('POST', '/v1/secret/data/app', { options: { cas: 1 }, data: { v: 4 } }), 400, [
      'check-and-set parameter did not match the current version',
    ]);
    expect(await n.digest()).toBe(before);
    await n.clock.advance(SECOND); // t = 4s
    expectEnvelope(await n.req('POST', '/v1/secret/data/app', { options: { cas: 3 }, data: { v: 4 } }), 200, meta(4, 4 * SECOND));
    // cas 0: only if the key does not exist yet.
    expect((await n.req('POST', '/v1/secret/data/fresh', { options: { cas: 0 }, data: { a: 1 } })).status).toBe(200);
    expectErrors(await n.req('POST', '/v1/secret/data/fresh', { options: { cas: 0 }, data: { a: 2 } }), 400, [
      'check-and-set parameter did not match the current version',
    ]);
  });

  it('trims to max_versions on the next write, advancing oldest_version and removing the old data', async () => {
    expectNoContent(await n.req('POST', '/v1/secret/metadata/app', { max_versions: 2 }));
    // The setting alone trims nothing.
    expect((await n.req('GET', '/v1/secret/metadata/app')).body.data).toMatchObject({
      current_version: 4,
      oldest_version: 0,
      max_versions: 2,
    });
    await n.clock.advance(SECOND); // t = 5s
    expectEnvelope(await n.req('POST', '/v1/secret/data/app', { data: { v: 5 } }), 200, meta(5, 5 * SECOND));
    expectEnvelope(await n.req('GET', '/v1/secret/metadata/app'), 200, {
      cas_required: false,
      created_time: at(0),
      current_version: 5,
      custom_metadata: null,
      delete_version_after: '0s',
      max_versions: 2,
      oldest_version: 4,
      updated_time: at(5 * SECOND),
      versions: {
        '4': { created_time: at(4 * SECOND), deletion_time: '', destroyed: false },
        '5': { created_time: at(5 * SECOND), deletion_time: '', destroyed: false },
      },
    });
    expectErrors(await n.req('GET', '/v1/secret/data/app?version=3'), 404, []);
    expect(await storedVersions()).toEqual(['4', '5']);
    await n.clock.advance(SECOND);
    await n.req('POST', '/v1/secret/data/app', { data: { v: 6 } });
    const after = (await n.req('GET', '/v1/secret/metadata/app')).body.data;
    expect([after.oldest_version, Object.keys(after.versions)]).toEqual([5, ['5', '6']]);
    expect(await storedVersions()).toEqual(['5', '6']);
  });

  it('lists the keys that have metadata, folders with a trailing slash', async () => {
    await n.req('POST', '/v1/secret/data/team/a', { data: { x: 1 } });
    expectEnvelope(await n.req('GET', '/v1/secret/metadata/?list=true'), 200, { keys: ['app', 'fresh', 'team/'] });
    expectEnvelope(await n.req('GET', '/v1/secret/metadata/team?list=true'), 200, { keys: ['a'] });
    expectErrors(await n.req('GET', '/v1/secret/metadata/none?list=true'), 404, []);
  });

  it('deletes the metadata and every version at once', async () => {
    expectNoContent(await n.req('DELETE', '/v1/secret/metadata/app'));
    expectErrors(await n.req('GET', '/v1/secret/data/app'), 404, []);
    expectErrors(await n.req('GET', '/v1/secret/metadata/app'), 404, []);
    expect(await storedVersions()).toEqual([]);
    expect(await n.fx.backend.list(`logical/${mountUuid}/versions/`)).toHaveLength(2); // fresh and team/a remain
  });
});
