/**
 * The KV v2 endpoints beyond the basic lifecycle, at Vault's exact shapes: patch,
 * subkeys, config, key metadata (write, patch, custom_metadata, the cas_required
 * warning), delete_version_after on the request's clock, and the 404 warnings and 405s
 * for paths a v2 mount does not serve.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, expectEnvelope, expectErrors, expectNoContent, kvNode, type KvNode } from '../node/logical/engines/kv-fixture.ts';

let n: KvNode;
const MERGE = { headers: { 'content-type': 'application/merge-patch+json' } };
const written = (version: number, created: number, extra: Record<string, unknown> = {}) => ({
  created_time: at(created),
  custom_metadata: null,
  deletion_time: '',
  destroyed: false,
  version,
  ...extra,
});
const invalid = (sub: string) => [
  `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${sub}' for this operation.`,
];

beforeAll(async () => {
  n = await kvNode(2);
});
afterAll(() => n.close());

describe('patch', () => {
  it('merge-patches the current version into a new one', async () => {
    await n.req('POST', '/v1/secret/data/p', { data: { user: 'u', nested: { k: 1, drop: 2 }, list: [1, 2] } });
    expectEnvelope(
      await n.req('PATCH', '/v1/secret/data/p', { data: { nested: { drop: null, add: 3 }, list: [3] } }, MERGE),
      200,
      written(2, 0),
    );
    expect((await n.req('GET', '/v1/secret/data/p')).body.data.data).toEqual({ user: 'u', nested: { k: 1, add: 3 }, list: [3] });
  });

  it('answers 404 for a missing key and, with the flat version metadata, for a deleted current version', async () => {
    expectErrors(await n.req('PATCH', '/v1/secret/data/none', { data: { a: 1 } }, MERGE), 404, []);
    await n.req('DELETE', '/v1/secret/data/p');
    expectEnvelope(await n.req('PATCH', '/v1/secret/data/p', { data: { a: 1 } }, MERGE), 404, written(2, 0, { deletion_time: at(0) }));
    await n.req('POST', '/v1/secret/undelete/p', { versions: [2] });
  });

  it('checks cas and needs the merge-patch content type', async () => {
    expectErrors(await n.req('PATCH', '/v1/secret/data/p', { options: { cas: 1 }, data: { a: 1 } }, MERGE), 400, [
      'check-and-set parameter did not match the current version',
    ]);
    expectErrors(await n.req('PATCH', '/v1/secret/data/p', { data: { a: 1 } }), 415, [
      'PATCH requires Content-Type of application/merge-patch+json, provided application/json',
    ]);
    expectErrors(await n.req('PATCH', '/v1/secret/data/p', { options: {} }, MERGE), 400, ['no data provided']);
  });
});

describe('subkeys', () => {
  it('returns the structure with every value nulled, to an optional depth', async () => {
    await n.req('POST', '/v1/secret/data/s', { data: { a: 1, b: { c: { d: 2 }, e: {} }, f: [1] } });
    expectEnvelope(await n.req('GET', '/v1/secret/subkeys/s'), 200, {
      metadata: written(1, 0),
      subkeys: { a: null, b: { c: { d: null }, e: null }, f: null },
    });
    expect((await n.req('GET', '/v1/secret/subkeys/s?depth=1')).body.data.subkeys).toEqual({ a: null, b: null, f: null });
    await n.req('DELETE', '/v1/secret/data/s');
    expectEnvelope(await n.req('GET', '/v1/secret/subkeys/s'), 404, { metadata: written(1, 0, { deletion_time: at(0) }), subkeys: null });
  });
});

describe('config and key metadata', () => {
  it('reads and writes the mount config, durations in Go format', async () => {
    expectEnvelope(await n.req('GET', '/v1/secret/config'), 200, { cas_required: false, delete_version_after: '0s', max_versions: 0 });
    expectNoContent(await n.req('POST', '/v1/secret/config', { max_versions: 3, cas_required: true, delete_version_after: '90m' }));
    expectEnvelope(await n.req('GET', '/v1/secret/config'), 200, { cas_required: true, delete_version_after: '1h30m0s', max_versions: 3 });
    expectErrors(await n.req('POST', '/v1/secret/data/c', { data: { a: 1 } }), 400, ['check-and-set parameter required for this call']);
    // A negative delete_version_after disables it for every key; zero clears it.
    expectNoContent(await n.req('POST', '/v1/secret/config', { delete_version_after: -1, cas_required: false, max_versions: 0 }));
    expect((await n.req('GET', '/v1/secret/config')).body.data.delete_version_after).toBe('-1s');
    await n.req('POST', '/v1/secret/config', { delete_version_after: 0 });
    expect((await n.req('GET', '/v1/secret/config')).body.data.delete_version_after).toBe('0s');
  });

  it('creates key metadata without a version, only when a setting is given', async () => {
    expectNoContent(await n.req('POST', '/v1/secret/metadata/nothing', {}));
    expectErrors(await n.req('GET', '/v1/secret/metadata/nothing'), 404, []);
    expectNoContent(
      await n.req('POST', '/v1/secret/metadata/m', {
        custom_metadata: { team: 'a', n: 2 },
        max_versions: 4,
        cas_required: false,
        delete_version_after: 3600,
      }),
    );
    expectEnvelope(await n.req('GET', '/v1/secret/metadata/m'), 200, {
      cas_required: false,
      created_time: at(0),
      current_version: 0,
      custom_metadata: { team: 'a', n: '2' },
      delete_version_after: '1h0m0s',
      max_versions: 4,
      oldest_version: 0,
      updated_time: at(0),
      versions: {},
    });
    expectErrors(await n.req('GET', '/v1/secret/data/m'), 404, []);
    expect((await n.req('GET', '/v1/secret/metadata/?list=true')).body.data.keys).toContain('m');
  });

  it('patches key metadata: custom_metadata merges, null removes', async () => {
    expectNoContent(
      await n.req('PATCH', '/v1/secret/metadata/m', { custom_metadata: { team: null, env: 'prod' }, max_versions: 6 }, MERGE),
    );
    expect((await n.req('GET', '/v1/secret/metadata/m')).body.data).toMatchObject({
      custom_metadata: { n: '2', env: 'prod' },
      max_versions: 6,
      delete_version_after: '1h0m0s',
    });
    expectErrors(await n.req('PATCH', '/v1/secret/metadata/none', { max_versions: 1 }, MERGE), 404, []);
  });

  it('shows custom_metadata in data responses', async () => {
    await n.clock.advance(1000);
    const w = await n.req('POST', '/v1/secret/data/m', { data: { a: 1 } });
    expectEnvelope(w, 200, written(1, 1000, { custom_metadata: { n: '2', env: 'prod' }, deletion_time: at(1000 + 3600_000) }));
  });

  it('warns, without failing, when cas_required=false meets a mount that requires cas', async () => {
    await n.req('POST', '/v1/secret/config', { cas_required: true });
    const r = await n.req('POST', '/v1/secret/metadata/m', { cas_required: false });
    expectEnvelope(r, 200, null, {
      warnings: ['"cas_required" set to false, but is mandated by backend config. This value will be ignored.'],
    });
    await n.req('POST', '/v1/secret/config', { cas_required: false });
  });
});

describe('delete_version_after', () => {
  it('stamps each version and hides it once the request clock passes, the smaller of mount and key winning', async () => {
    const start = n.clock.now() - Date.parse(at(0));
    await n.req('POST', '/v1/secret/metadata/d', { delete_version_after: '10s' });
    await n.req('POST', '/v1/secret/config', { delete_version_after: '5s' });
    const w = await n.req('POST', '/v1/secret/data/d', { data: { a: 1 } });
    expect(w.body.data.deletion_time).toBe(at(start + 5000));
    await n.clock.advance(4999);
    expectEnvelope(await n.req('GET', '/v1/secret/data/d'), 200, {
      data: { a: 1 },
      metadata: written(1, start, { deletion_time: at(start + 5000) }),
    });
    await n.clock.advance(1);
    expectEnvelope(await n.req('GET', '/v1/secret/data/d'), 404, {
      data: null,
      metadata: written(1, start, { deletion_time: at(start + 5000) }),
    });
    // Undelete restarts the clock from now.
    await n.req('POST', '/v1/secret/undelete/d', { versions: [1] });
    expect((await n.req('GET', '/v1/secret/data/d')).body.data.metadata.deletion_time).toBe(at(start + 10000));
    // Disabled on the mount: no stamp at all.
    await n.req('POST', '/v1/secret/config', { delete_version_after: '-1s' });
    expect((await n.req('POST', '/v1/secret/data/d', { data: { a: 2 } })).body.data.deletion_time).toBe('');
    await n.req('POST', '/v1/secret/config', { delete_version_after: 0 });
  });
});

describe('paths a v2 mount does not serve', () => {
  it('answers a non-v2 path with a 404 envelope and the vault kv command to use', async () => {
    expectEnvelope(await n.req('GET', '/v1/secret/foo'), 404, null, { warnings: invalid('get') });
    expectEnvelope(await n.req('POST', '/v1/secret/foo', { a: 1 }), 404, null, { warnings: invalid('put') });
    expectEnvelope(await n.req('PATCH', '/v1/secret/foo', { a: 1 }, MERGE), 404, null, { warnings: invalid('patch') });
    expectEnvelope(await n.req('DELETE', '/v1/secret/foo'), 404, null, { warnings: invalid('delete') });
    expectEnvelope(await n.req('GET', '/v1/secret/foo?list=true'), 404, null, { warnings: invalid('list') });
    expectEnvelope(await n.req('GET', '/v1/secret/?list=true'), 404, null, { warnings: invalid('list') });
    expectEnvelope(await n.req('GET', '/v1/secret/data/p?list=true'), 404, null, { warnings: invalid('list') });
  });

  it('answers the bare root of a section with the root warning', async () => {
    for (const section of ['data', 'metadata', 'delete', 'undelete', 'destroy']) {
      expectEnvelope(await n.req('GET', `/v1/secret/${section}`), 404, null, {
        warnings: ['Non-listing operations on the root of a K/V v2 mount are not supported.'],
      });
    }
  });

  it('answers 405 for an operation a real path does not take', async () => {
    const unsupported = ['1 error occurred:\n\t* unsupported operation\n\n'];
    expectErrors(await n.req('GET', '/v1/secret/delete/p'), 405, unsupported);
    expectErrors(await n.req('POST', '/v1/secret/subkeys/p', { a: 1 }), 405, unsupported);
    expectErrors(await n.req('DELETE', '/v1/secret/config'), 405, unsupported);
  });
});
