/**
 * AppRole over HTTP: roles (create, read, list, delete), role IDs (read, custom), secret IDs
 * (generate, custom, list accessors, lookup, destroy), login with Vault's auth block, secret-ID
 * uses (the last one deletes it) and TTL on the simulated clock, CIDR lists parsed and enforced
 * against the client's address, refusals that change nothing, and no secret ID in storage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, expectEnvelope, expectErrors, expectNoContent, kvNode, type KvNode } from '../../node/logical/engines/kv-fixture.ts';
import { decryptedStorage, expectLogin, from } from './auth-fixture.ts';

let n: KvNode;
const ar = { mountType: 'approle' };
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const issued: string[] = [];

const roleRead = (extra: Record<string, unknown> = {}) => ({
  bind_secret_id: true,
  local_secret_ids: false,
  secret_id_bound_cidrs: null,
  secret_id_num_uses: 0,
  secret_id_ttl: 0,
  token_bound_cidrs: [],
  token_explicit_max_ttl: 0,
  token_max_ttl: 0,
  token_no_default_policy: false,
  token_num_uses: 0,
  token_period: 0,
  token_policies: [],
  token_ttl: 0,
  token_type: 'default',
  ...extra,
});

async function secretId(role: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await n.req('POST', `/v1/auth/approle/role/${role}/secret-id`, body);
  expect(r.status).toBe(200);
  issued.push(r.body.data.secret_id);
  return r.body.data.secret_id;
}

async function roleId(role: string): Promise<string> {
  return (await n.req('GET', `/v1/auth/approle/role/${role}/role-id`)).body.data.role_id;
}

beforeAll(async () => {
  n = await kvNode(2);
  await n.req('POST', '/v1/sys/auth/approle', { type: 'approle' });
  await n.req('PUT', '/v1/sys/policies/acl/app-read', { policy: 'path "secret/data/app/*" { capabilities = ["read"] }' });
  await n.req('POST', '/v1/secret/data/app/config', { data: { color: 'blue' } });
});
afterAll(() => n.close());

describe('roles and role IDs', () => {
  it('creates a role and reads it, with bind_secret_id on by default', async () => {
    await n.req('POST', '/v1/auth/approle/role/edge0', { secret_id_bound_cidrs: '10.0.0.0/8' });
    expectNoContent(
      await n.req('POST', '/v1/auth/approle/role/web', {
        token_policies: 'app-read',
        token_ttl: '20m',
        token_max_ttl: '30m',
        secret_id_num_uses: 3,
        secret_id_ttl: '10m',
      }),
    );
    expectEnvelope(
      await n.req('GET', '/v1/auth/approle/role/web'),
      200,
      roleRead({ token_policies: ['app-read'], token_ttl: 1200, token_max_ttl: 1800, secret_id_num_uses: 3, secret_id_ttl: 600 }),
      ar,
    );
    expectEnvelope(await n.req('GET', '/v1/auth/approle/role?list=true'), 200, { keys: ['edge0', 'web'] }, ar);
  });

  it('reads the generated role ID and takes a custom one', async () => {
    expect(await roleId('web')).toMatch(uuidRe);
    expectNoContent(await n.req('POST', '/v1/auth/approle/role/web/role-id', { role_id: 'web-role-id' }));
    expectEnvelope(await n.req('GET', '/v1/auth/approle/role/web/role-id'), 200, { role_id: 'web-role-id' }, ar);
  });

  const refusals: Array<[string, string, unknown, number, string]> = [
    [
      'a malformed secret_id_bound_cidrs',
      'role/bad',
      { secret_id_bound_cidrs: '10.0.0.1' },
      400,
      'failed to validate CIDR blocks: invalid CIDR address: 10.0.0.1',
    ],
    [
      'a malformed token_bound_cidrs',
      'role/bad',
      { token_bound_cidrs: 'nope' },
      400,
      'error parsing address "nope": Unable to convert nope to an IPv4 or IPv6 address, or a UNIX Socket',
    ],
    ['negative secret ID uses', 'role/bad', { secret_id_num_uses: -1 }, 400, 'secret_id_num_uses cannot be negative'],
    ['a role with no constraint', 'role/bad', { bind_secret_id: false }, 500, 'at least one constraint should be enabled on the role'],
    ['a role_id already in use', 'role/other', { role_id: 'web-role-id' }, 500, 'role_id already in use'],
    ['an empty custom role_id', 'role/web/role-id', { role_id: '' }, 400, 'missing role_id'],
    ['a secret ID for no role', 'role/nope/secret-id', {}, 404, '1 error occurred:\n\t* unsupported path\n\n'],
    [
      'a secret ID with a malformed cidr_list',
      'role/web/secret-id',
      { cidr_list: 'x/8' },
      400,
      'failed to validate CIDR blocks: invalid CIDR address: x/8',
    ],
    [
      'more uses than the role allows',
      'role/web/secret-id',
      { num_uses: 5 },
      400,
      "num_uses cannot be higher than the role's secret_id_num_uses",
    ],
    [
      'a cidr_list outside the role',
      'role/edge0/secret-id',
      { cidr_list: '192.168.0.0/24' },
      500,
      'failed to verify subset relationship between CIDR blocks on the role ["10.0.0.0/8"] and CIDR blocks on the secret ID ["192.168.0.0/24"]: %!w(<nil>)',
    ],
    ['a longer TTL than the role allows', 'role/web/secret-id', { ttl: '1h' }, 400, "ttl cannot be longer than the role's secret_id_ttl"],
    ['a lookup without a secret ID', 'role/web/secret-id/lookup', {}, 400, 'missing secret_id'],
  ];
  for (const [what, path, body, status, message] of refusals) {
    it(`refuses ${what}, changing nothing`, async () => {
      const before = await n.digest();
      expectErrors(await n.req('POST', `/v1/auth/approle/${path}`, body), status, [message]);
      expect(await n.digest()).toBe(before);
    });
  }
});

describe('secret IDs and login', () => {
  it('generates a secret ID, lists its accessor, looks it up', async () => {
    const r = await n.req('POST', '/v1/auth/approle/role/web/secret-id', { metadata: '{"team":"blue"}' });
    expectEnvelope(
      r,
      200,
      {
        secret_id: expect.stringMatching(uuidRe),
        secret_id_accessor: expect.stringMatching(uuidRe),
        secret_id_num_uses: 3,
        secret_id_ttl: 600,
      },
      ar,
    );
    issued.push(r.body.data.secret_id);
    expectEnvelope(
      await n.req('GET', '/v1/auth/approle/role/web/secret-id?list=true'),
      200,
      { keys: [r.body.data.secret_id_accessor] },
      ar,
    );
    expectEnvelope(
      await n.req('POST', '/v1/auth/approle/role/web/secret-id/lookup', { secret_id: r.body.data.secret_id }),
      200,
      {
        cidr_list: [],
        creation_time: at(0),
        expiration_time: at(600_000),
        last_updated_time: at(0),
        metadata: { team: 'blue' },
        secret_id_accessor: r.body.data.secret_id_accessor,
        secret_id_num_uses: 3,
        secret_id_ttl: 600,
        token_bound_cidrs: [],
      },
      ar,
    );
    expectNoContent(await n.req('POST', '/v1/auth/approle/role/web/secret-id/lookup', { secret_id: 'not-one' }));
  });

  it("logs in without a token and answers with Vault's auth block", async () => {
    const sid = await secretId('web', { metadata: '{"team":"blue"}' });
    const r = await n.req('POST', '/v1/auth/approle/login', { role_id: 'web-role-id', secret_id: sid }, { token: '' });
    expectLogin(
      r,
      {
        policies: ['app-read', 'default'],
        token_policies: ['app-read', 'default'],
        metadata: { role_name: 'web', team: 'blue' },
        lease_duration: 1200,
      },
      'approle',
    );
    const token = r.body.auth.client_token;
    expect((await n.req('GET', '/v1/auth/token/lookup-self', undefined, { token })).body.data).toMatchObject({
      path: 'auth/approle/login',
      display_name: 'approle',
      ttl: 1200,
    });
    expect((await n.req('GET', '/v1/secret/data/app/config', undefined, { token })).body.data.data).toEqual({ color: 'blue' });
  });

  it('counts secret ID uses: the last one deletes it', async () => {
    const sid = await secretId('web', { num_uses: 2 });
    const login = () => n.req('POST', '/v1/auth/approle/login', { role_id: 'web-role-id', secret_id: sid }, { token: '' });
    expect((await login()).status).toBe(200);
    expect((await n.req('POST', '/v1/auth/approle/role/web/secret-id/lookup', { secret_id: sid })).body.data.secret_id_num_uses).toBe(1);
    expect((await login()).status).toBe(200);
    expectNoContent(await n.req('POST', '/v1/auth/approle/role/web/secret-id/lookup', { secret_id: sid }));
    expectErrors(await login(), 400, ['invalid role or secret ID']);
  });

  it('expires a secret ID on the clock', async () => {
    const sid = await secretId('web', { ttl: '5m' });
    await n.clock.advance(299_000);
    expect((await n.req('POST', '/v1/auth/approle/login', { role_id: 'web-role-id', secret_id: sid }, { token: '' })).status).toBe(200);
    await n.clock.advance(1_000);
    expectErrors(await n.req('POST', '/v1/auth/approle/login', { role_id: 'web-role-id', secret_id: sid }, { token: '' }), 400, [
      'invalid role or secret ID',
    ]);
  });

  it("gives tokens the role's token_num_uses and token_period", async () => {
    await n.req('POST', '/v1/auth/approle/role/limited', {
      role_id: 'limited-id',
      token_num_uses: 2,
      token_period: '15m',
      token_policies: 'app-read',
    });
    const r = await n.req('POST', '/v1/auth/approle/login', { role_id: 'limited-id', secret_id: await secretId('limited') }, { token: '' });
    expect(r.body.auth).toMatchObject({ num_uses: 2, lease_duration: 900 });
    const token = r.body.auth.client_token;
    expect((await n.req('GET', '/v1/secret/data/app/config', undefined, { token })).status).toBe(200);
    expect((await n.req('GET', '/v1/secret/data/app/config', undefined, { token })).status).toBe(200);
    expectErrors(await n.req('GET', '/v1/secret/data/app/config', undefined, { token }), 403, ['permission denied']);
  });

  it('destroys a secret ID', async () => {
    const sid = await secretId('web');
    expectNoContent(await n.req('POST', '/v1/auth/approle/role/web/secret-id/destroy', { secret_id: sid }));
    expectErrors(await n.req('POST', '/v1/auth/approle/login', { role_id: 'web-role-id', secret_id: sid }, { token: '' }), 400, [
      'invalid role or secret ID',
    ]);
  });

  it('takes a custom secret ID', async () => {
    expectEnvelope(
      await n.req('POST', '/v1/auth/approle/role/web/custom-secret-id', { secret_id: 'my-own-secret-id-1' }),
      200,
      { secret_id: 'my-own-secret-id-1', secret_id_accessor: expect.stringMatching(uuidRe), secret_id_num_uses: 3, secret_id_ttl: 600 },
      ar,
    );
    issued.push('my-own-secret-id-1');
    expect(
      (await n.req('POST', '/v1/auth/approle/login', { role_id: 'web-role-id', secret_id: 'my-own-secret-id-1' }, { token: '' })).status,
    ).toBe(200);
  });

  it('refuses bad logins in Vault words, changing nothing', async () => {
    const sid = await secretId('web');
    const before = await n.digest();
    const cases: Array<[unknown, string]> = [
      [{}, 'missing role_id'],
      [{ role_id: 'nope', secret_id: sid }, 'invalid role or secret ID'],
      [{ role_id: 'web-role-id' }, 'missing secret_id'],
      [{ role_id: 'web-role-id', secret_id: 'wrong' }, 'invalid role or secret ID'],
    ];
    for (const [body, message] of cases) expectErrors(await n.req('POST', '/v1/auth/approle/login', body, { token: '' }), 400, [message]);
    expect(await n.digest()).toBe(before);
  });
});

describe('CIDR restrictions', () => {
  it("enforces the role's secret_id_bound_cidrs and the secret ID's cidr_list on the client's address", async () => {
    await n.req('POST', '/v1/auth/approle/role/edge', { secret_id_bound_cidrs: '10.0.0.0/8', role_id: 'edge-id' });
    const sid = await secretId('edge');
    expectErrors(await from(n, '192.168.1.1', 'POST', '/v1/auth/approle/login', { role_id: 'edge-id', secret_id: sid }), 400, [
      'source address "192.168.1.1" unauthorized by CIDR restrictions on the role: %!w(<nil>)',
    ]);
    expect((await from(n, '10.4.5.6', 'POST', '/v1/auth/approle/login', { role_id: 'edge-id', secret_id: sid })).status).toBe(200);
    const narrow = await secretId('edge', { cidr_list: '10.1.0.0/16' });
    expectErrors(await from(n, '10.2.0.1', 'POST', '/v1/auth/approle/login', { role_id: 'edge-id', secret_id: narrow }), 400, [
      'source address "10.2.0.1" unauthorized through CIDR restrictions on the secret ID',
    ]);
    expect((await from(n, '10.1.0.1', 'POST', '/v1/auth/approle/login', { role_id: 'edge-id', secret_id: narrow })).status).toBe(200);
  });

  it('binds the token to token_bound_cidrs', async () => {
    await n.req('POST', '/v1/auth/approle/role/bound', { token_bound_cidrs: '127.0.0.1', role_id: 'bound-id' });
    const sid = await secretId('bound');
    const token = (await n.req('POST', '/v1/auth/approle/login', { role_id: 'bound-id', secret_id: sid })).body.auth.client_token;
    expect((await from(n, '127.0.0.1', 'GET', '/v1/auth/token/lookup-self', undefined, token)).status).toBe(200);
    expectErrors(await from(n, '127.0.0.2', 'GET', '/v1/auth/token/lookup-self', undefined, token), 403, ['permission denied']);
  });
});

describe('storage', () => {
  it('holds no secret ID in plaintext, only HMACs', async () => {
    const text = await decryptedStorage(n.fx.node.system.storage);
    expect(text).toContain('secret_id/');
    expect(issued.length).toBeGreaterThan(5);
    for (const sid of issued) expect(text).not.toContain(sid);
  });

  it('deletes a role with its secret IDs', async () => {
    expectNoContent(await n.req('DELETE', '/v1/auth/approle/role/edge'));
    expectErrors(await n.req('GET', '/v1/auth/approle/role/edge'), 404, []);
    expectErrors(await n.req('POST', '/v1/auth/approle/login', { role_id: 'edge-id', secret_id: 'x' }, { token: '' }), 400, [
      'invalid role or secret ID',
    ]);
  });
});
