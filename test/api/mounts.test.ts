/**
 * Secrets-engine mounts over HTTP: list (with the legacy top-level copy), enable with
 * kv's versions and aliases, read one, tune (including the v1 → v2 upgrade, data
 * included), disable (data removed), sys/auth, routing of unmounted paths, and the
 * sys/internal/ui/mounts preflight for root, a limited token and no token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEnvelope, expectErrors, expectNoContent, kvNode, type KvNode } from '../node/logical/engines/kv-fixture.ts';

let n: KvNode;
let limited: string;
const sys = { mountType: 'system' };
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The mountInfo Vault shows for a kv mount, ids aside. */
const kvInfo = (options: Record<string, string>, extra: { description?: string; config?: Record<string, unknown> } = {}) => ({
  accessor: expect.stringMatching(/^kv_[0-9a-f]{8}$/),
  config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0, ...extra.config },
  deprecation_status: 'supported',
  description: extra.description ?? '',
  external_entropy_access: false,
  local: false,
  options,
  plugin_version: '',
  running_plugin_version: 'v0.20.0+builtin',
  running_sha256: '',
  seal_wrap: false,
  type: 'kv',
  uuid: expect.stringMatching(uuidRe),
});

beforeAll(async () => {
  n = await kvNode();
  await n.req('PUT', '/v1/sys/policies/acl/kv2-reader', { policy: 'path "kv2/data/*" { capabilities = ["read"] }' });
  limited = (await n.req('POST', '/v1/auth/token/create', { policies: ['kv2-reader'] })).body.auth.client_token;
});
afterAll(() => n.close());

describe('enable and list', () => {
  it('lists the built-in mounts, with the data also copied to the top level', async () => {
    const r = await n.req('GET', '/v1/sys/mounts');
    expect(r.status).toBe(200);
    expect(r.body.mount_type).toBe('system');
    expect(Object.keys(r.body.data)).toEqual(['cubbyhole/', 'identity/', 'sys/']);
    expect(r.body.data['cubbyhole/']).toEqual({
      accessor: expect.stringMatching(/^cubbyhole_[0-9a-f]{8}$/),
      config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 },
      description: 'per-token private secret storage',
      external_entropy_access: false,
      local: true,
      options: null,
      plugin_version: '',
      running_plugin_version: 'v1.18.5+builtin.vault',
      running_sha256: '',
      seal_wrap: false,
      type: 'cubbyhole',
      uuid: expect.stringMatching(uuidRe),
    });
    expect(r.body.data['sys/'].config.passthrough_request_headers).toEqual(['Accept']);
    for (const k of Object.keys(r.body.data)) expect(r.body[k]).toEqual(r.body.data[k]);
  });

  it('enables kv at each version and alias; a numeric version is stringified', async () => {
    expectNoContent(await n.req('POST', '/v1/sys/mounts/kv2', { type: 'kv', options: { version: 2 }, description: 'two' }));
    expectNoContent(await n.req('POST', '/v1/sys/mounts/kv1', { type: 'kv-v1' }));
    expectNoContent(await n.req('POST', '/v1/sys/mounts/alias2', { type: 'kv-v2' }));
    expectNoContent(await n.req('POST', '/v1/sys/mounts/plain', { type: 'kv' }));
    expectNoContent(
      await n.req('POST', '/v1/sys/mounts/legacy', {
        type: 'generic',
        config: { default_lease_ttl: '1h', max_lease_ttl: 7200, listing_visibility: 'unauth' },
      }),
    );
    const data = (await n.req('GET', '/v1/sys/mounts')).body.data;
    expect(data['kv2/']).toEqual(kvInfo({ version: '2' }, { description: 'two' }));
    expect(data['kv1/']).toEqual(kvInfo({ version: '1' }));
    expect(data['alias2/']).toEqual(kvInfo({ version: '2' }));
    expect(data['plain/']).toEqual(kvInfo({}));
    expect(data['legacy/']).toEqual(kvInfo({}, { config: { default_lease_ttl: 3600, max_lease_ttl: 7200, listing_visibility: 'unauth' } }));
    // Each serves its version: v2 answers at data/, v1 at the bare path.
    expect((await n.req('POST', '/v1/kv2/data/x', { data: { a: 1 } })).status).toBe(200);
    expectNoContent(await n.req('POST', '/v1/plain/x', { a: 1 }));
  });

  it('reads one mount, the one serving a path (injector route)', async () => {
    const r = await n.req('GET', '/v1/sys/mounts/kv2');
    expectEnvelope(
      { ...r, body: Object.fromEntries(Object.entries(r.body).filter(([k]) => !(k in r.body.data))) },
      200,
      kvInfo({ version: '2' }, { description: 'two' }),
      sys,
    );
    expect(r.body.type).toBe('kv');
    expect((await n.req('GET', '/v1/sys/mounts/kv2/data/deep/path')).body.data.uuid).toBe(r.body.data.uuid);
    expectErrors(await n.req('GET', '/v1/sys/mounts/nothing'), 400, ['No secret engine mount at nothing/']);
  });

  it('lists auth/token/ under sys/auth', async () => {
    const r = await n.req('GET', '/v1/sys/auth');
    expect(Object.keys(r.body.data)).toEqual(['token/']);
    expect(r.body['token/']).toEqual(r.body.data['token/']);
    expect(r.body.data['token/']).toEqual({
      accessor: expect.stringMatching(/^auth_token_[0-9a-f]{8}$/),
      config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0, token_type: 'default-service' },
      deprecation_status: 'supported',
      description: 'token based credentials',
      external_entropy_access: false,
      local: false,
      options: null,
      plugin_version: '',
      running_plugin_version: 'v1.18.5+builtin.vault',
      running_sha256: '',
      seal_wrap: false,
      type: 'token',
      uuid: expect.stringMatching(uuidRe),
    });
  });

  it("answers an unmounted path with Vault's router message", async () => {
    expectErrors(await n.req('GET', '/v1/foo/bar'), 404, ['no handler for route "foo/bar". route entry not found.']);
  });
});

describe('tune', () => {
  it('reads the effective TTLs (system defaults when unset) and options', async () => {
    expectEnvelope(
      await n.req('GET', '/v1/sys/mounts/kv2/tune'),
      200,
      { default_lease_ttl: 2764800, description: 'two', force_no_cache: false, max_lease_ttl: 2764800, options: { version: '2' } },
      sys,
    );
    expectEnvelope(
      await n.req('GET', '/v1/sys/mounts/plain/tune'),
      200,
      { default_lease_ttl: 2764800, description: '', force_no_cache: false, max_lease_ttl: 2764800 },
      sys,
    );
  });

  it('sets TTLs and description; "system" resets a TTL', async () => {
    expectNoContent(
      await n.req('POST', '/v1/sys/mounts/kv2/tune', { default_lease_ttl: '1h', max_lease_ttl: '48h', description: 'tuned' }),
    );
    expect((await n.req('GET', '/v1/sys/mounts/kv2/tune')).body.data).toMatchObject({
      default_lease_ttl: 3600,
      max_lease_ttl: 172800,
      description: 'tuned',
    });
    expect((await n.req('GET', '/v1/sys/mounts/kv2')).body.data.config).toEqual({
      default_lease_ttl: 3600,
      force_no_cache: false,
      max_lease_ttl: 172800,
    });
    expectNoContent(await n.req('POST', '/v1/sys/mounts/kv2/tune', { default_lease_ttl: 'system', max_lease_ttl: 'system' }));
    expect((await n.req('GET', '/v1/sys/mounts/kv2/tune')).body.data).toMatchObject({ default_lease_ttl: 2764800, max_lease_ttl: 2764800 });
  });

  it('upgrades a v1 mount to v2 with a warning, keeping its data as version 1 of each key', async () => {
    await n.req('PUT', '/v1/kv1/app/db', { password: 'p' });
    await n.req('PUT', '/v1/kv1/top', { x: 1 });
    const r = await n.req('POST', '/v1/sys/mounts/kv1/tune', { options: { version: '2' } });
    expectEnvelope(r, 200, null, {
      ...sys,
      warnings: [
        'Upgrading mount from version 1 to version 2. This mount will be unavailable for a brief period and will resume service shortly.',
      ],
    });
    expect((await n.req('GET', '/v1/sys/mounts/kv1')).body.data.options).toEqual({ version: '2' });
    expect((await n.req('GET', '/v1/kv1/data/app/db')).body.data.data).toEqual({ password: 'p' });
    expect((await n.req('GET', '/v1/kv1/metadata/top')).body.data).toMatchObject({ current_version: 1, oldest_version: 1 });
    expect((await n.req('GET', '/v1/kv1/metadata/?list=true')).body.data.keys).toEqual(['app/', 'top']);
    expectEnvelope(await n.req('GET', '/v1/kv1/top'), 404, null, {
      warnings: [expect.stringMatching(/^Invalid path for a versioned K\/V secrets engine/)] as unknown as string[],
    });
    expectErrors(await n.req('POST', '/v1/sys/mounts/kv1/tune', { options: { version: '1' } }), 400, [
      'cannot downgrade mount from version 2',
    ]);
  });
});

describe('disable', () => {
  it('removes the mount and all its data; disabling nothing is also a 204', async () => {
    expectNoContent(await n.req('POST', '/v1/sys/mounts/temp', { type: 'kv-v2' }));
    await n.req('POST', '/v1/temp/data/k', { data: { a: 1 } });
    const uuid = (await n.req('GET', '/v1/sys/mounts/temp')).body.data.uuid;
    expect(await n.fx.backend.list(`logical/${uuid}/`)).not.toEqual([]);
    expectNoContent(await n.req('DELETE', '/v1/sys/mounts/temp'));
    expect(await n.fx.backend.list(`logical/${uuid}/`)).toEqual([]);
    expect((await n.req('GET', '/v1/sys/mounts')).body.data['temp/']).toBeUndefined();
    expectErrors(await n.req('GET', '/v1/temp/data/k'), 404, ['no handler for route "temp/data/k". route entry not found.']);
    expectNoContent(await n.req('DELETE', '/v1/sys/mounts/temp'));
    // The path is free again.
    expectNoContent(await n.req('POST', '/v1/sys/mounts/temp', { type: 'kv' }));
  });
});

describe('sys/internal/ui/mounts preflight', () => {
  const denied = (path: string) => [
    `preflight capability check returned 403, please ensure client's policies grant access to path "${path}"`,
  ];

  it('tells root the mount serving a path and its version', async () => {
    const r = await n.req('GET', '/v1/sys/internal/ui/mounts/kv2/some/key');
    expectEnvelope(r, 200, { ...kvInfo({ version: '2' }, { description: 'tuned' }), path: 'kv2/' }, sys);
  });

  it('answers a limited token for mounts it can reach, and the same 403 for others and for none', async () => {
    expect((await n.req('GET', '/v1/sys/internal/ui/mounts/kv2/x', undefined, { token: limited })).body.data).toMatchObject({
      path: 'kv2/',
      options: { version: '2' },
    });
    expectErrors(await n.req('GET', '/v1/sys/internal/ui/mounts/plain/x', undefined, { token: limited }), 403, denied('plain/x/'));
    expectErrors(await n.req('GET', '/v1/sys/internal/ui/mounts/nothing', undefined, { token: limited }), 403, denied('nothing/'));
    expectErrors(await n.req('GET', '/v1/sys/internal/ui/mounts/kv2/x', undefined, { token: '' }), 403, denied('kv2/x/'));
    expectErrors(await n.req('GET', '/v1/sys/internal/ui/mounts/kv2/x', undefined, { token: 'hvs.notatoken' }), 403, ['permission denied']);
  });

  it('lists what the caller may see: everything for root, reachable mounts for a token, unauth-visible ones (reduced) without', async () => {
    const all = (await n.req('GET', '/v1/sys/internal/ui/mounts')).body.data;
    expect(Object.keys(all.secret).sort()).toEqual([
      'alias2/',
      'cubbyhole/',
      'identity/',
      'kv1/',
      'kv2/',
      'legacy/',
      'plain/',
      'sys/',
      'temp/',
    ]);
    expect(Object.keys(all.auth)).toEqual(['token/']);
    const mine = (await n.req('GET', '/v1/sys/internal/ui/mounts', undefined, { token: limited })).body.data;
    expect(Object.keys(mine.secret).sort()).toEqual(['cubbyhole/', 'identity/', 'kv2/', 'legacy/', 'sys/']);
    expect(mine.secret['kv2/']).toEqual(kvInfo({ version: '2' }, { description: 'tuned' }));
    expectEnvelope(
      await n.req('GET', '/v1/sys/internal/ui/mounts', undefined, { token: '' }),
      200,
      { auth: {}, secret: { 'legacy/': { description: '', options: {}, type: 'kv' } } },
      sys,
    );
  });
});
