/**
 * sys/auth over HTTP: list (with token/), enable userpass and approle with a description and
 * lease config, read one, tune, disable (data and issued tokens gone), each refusal in Vault's
 * words with storage unchanged, and the table surviving a seal and unseal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/clock/index.ts';
import { call, initAndUnseal, makeNode } from '../../helpers/node-fixture.ts';
import { expectEnvelope, expectErrors, expectNoContent, kvNode, T0, type KvNode } from '../../node/logical/engines/kv-fixture.ts';

let n: KvNode;
const sys = { mountType: 'system' };
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** mountInfo of an auth method, ids aside. */
const authInfo = (type: string, extra: { description?: string; config?: Record<string, unknown> } = {}) => ({
  accessor: expect.stringMatching(new RegExp(`^auth_${type}_[0-9a-f]{8}$`)),
  config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0, token_type: 'default-service', ...extra.config },
  deprecation_status: 'supported',
  description: extra.description ?? '',
  external_entropy_access: false,
  local: false,
  options: null,
  plugin_version: '',
  running_plugin_version: 'v1.18.5+builtin.vault',
  running_sha256: '',
  seal_wrap: false,
  type,
  uuid: expect.stringMatching(uuidRe),
});

beforeAll(async () => {
  n = await kvNode();
});
afterAll(() => n.close());

describe('enable, list, read', () => {
  it('enables userpass with a description and lease config, and approle at a custom path', async () => {
    expectNoContent(
      await n.req('POST', '/v1/sys/auth/userpass', {
        type: 'userpass',
        description: 'people',
        config: { default_lease_ttl: '1h', max_lease_ttl: '2h' },
      }),
    );
    expectNoContent(await n.req('POST', '/v1/sys/auth/machines', { type: 'approle' }));
    const r = await n.req('GET', '/v1/sys/auth');
    expect(Object.keys(r.body.data)).toEqual(['machines/', 'token/', 'userpass/']);
    expect(r.body.data['userpass/']).toEqual(
      authInfo('userpass', { description: 'people', config: { default_lease_ttl: 3600, max_lease_ttl: 7200 } }),
    );
    expect(r.body.data['machines/']).toEqual(authInfo('approle'));
    expect(r.body['userpass/']).toEqual(r.body.data['userpass/']);
  });

  it('reads one method, and refuses one that is not there', async () => {
    const r = await n.req('GET', '/v1/sys/auth/machines');
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual(authInfo('approle'));
    expectErrors(await n.req('GET', '/v1/sys/auth/nope'), 400, ['No auth engine at nope/']);
  });

  it('reads and tunes the lease TTLs under sys/auth/:path/tune', async () => {
    expectEnvelope(
      await n.req('GET', '/v1/sys/auth/machines/tune'),
      200,
      { default_lease_ttl: 2_764_800, description: '', force_no_cache: false, max_lease_ttl: 2_764_800, token_type: 'default-service' },
      sys,
    );
    expectNoContent(await n.req('POST', '/v1/sys/auth/machines/tune', { default_lease_ttl: '10m', description: 'robots' }));
    const r = await n.req('GET', '/v1/sys/auth/machines/tune');
    expect(r.body.data).toMatchObject({ default_lease_ttl: 600, description: 'robots' });
    expectErrors(await n.req('GET', '/v1/sys/auth/nope/tune'), 400, ['cannot fetch sysview for path "auth/nope/"']);
  });
});

describe('refusals change nothing', () => {
  const cases: Array<[string, string, unknown, number, string]> = [
    ['no type', 'x', {}, 400, 'backend type must be specified as a string'],
    ['unknown type', 'x', { type: 'ldap' }, 400, 'plugin not found in the catalog: ldap'],
    ['a second token method', 'tok2', { type: 'token' }, 400, 'token credential backend cannot be instantiated'],
    ['a taken path', 'userpass', { type: 'approle' }, 409, 'path is already in use at userpass/'],
    ['a path under a taken one', 'userpass/sub', { type: 'approle' }, 409, 'path is already in use at userpass/'],
    ['a path above token/', 'token/x', { type: 'userpass' }, 409, 'path is already in use at token/'],
    [
      'a bad TTL',
      'x',
      { type: 'userpass', config: { default_lease_ttl: 'soon' } },
      400,
      'unable to parse default TTL of soon: time: invalid duration "soon"',
    ],
    [
      'default above max',
      'x',
      { type: 'userpass', config: { default_lease_ttl: '2h', max_lease_ttl: '1h' } },
      400,
      'given default lease TTL greater than given max lease TTL',
    ],
  ];
  for (const [what, path, body, status, message] of cases) {
    it(`refuses ${what}`, async () => {
      const before = await n.digest();
      expectErrors(await n.req('POST', `/v1/sys/auth/${path}`, body), status, [message]);
      expect(await n.digest()).toBe(before);
    });
  }

  it('refuses to disable token/ and answers 204 for a path with nothing', async () => {
    const before = await n.digest();
    expectErrors(await n.req('DELETE', '/v1/sys/auth/token'), 400, ['token credential backend cannot be disabled']);
    expectNoContent(await n.req('DELETE', '/v1/sys/auth/nothing-here'));
    expect(await n.digest()).toBe(before);
  });

  it('needs sudo to enable (sys/auth/* is root-protected)', async () => {
    await n.req('PUT', '/v1/sys/policies/acl/auth-admin', { policy: 'path "sys/auth/*" { capabilities = ["create", "update"] }' });
    const t = (await n.req('POST', '/v1/auth/token/create', { policies: ['auth-admin'] })).body.auth.client_token;
    expectErrors(await n.req('POST', '/v1/sys/auth/z', { type: 'userpass' }, { token: t }), 403, [
      '1 error occurred:\n\t* permission denied\n\n',
    ]);
  });
});

describe('disable and restart', () => {
  it('disables a method: its data and the tokens it issued are gone, the other methods stay', async () => {
    expectNoContent(await n.req('POST', '/v1/auth/userpass/users/alice', { password: 'pw-alice', token_policies: 'default' }));
    const login = await n.req('POST', '/v1/auth/userpass/login/alice', { password: 'pw-alice' });
    const token = login.body.auth.client_token;
    // The mount's default lease (1h) is the token's TTL when the user names none.
    expect(login.body.auth.lease_duration).toBe(3600);
    expect((await n.req('GET', '/v1/auth/token/lookup-self', undefined, { token })).status).toBe(200);
    expectNoContent(await n.req('DELETE', '/v1/sys/auth/userpass'));
    expect(Object.keys((await n.req('GET', '/v1/sys/auth')).body.data)).toEqual(['machines/', 'token/']);
    expectErrors(await n.req('GET', '/v1/auth/token/lookup-self', undefined, { token }), 403, ['permission denied']);
    expectErrors(await n.req('POST', '/v1/auth/userpass/login/alice', { password: 'pw-alice' }), 404, [
      'no handler for route "auth/userpass/login/alice". route entry not found.',
    ]);
    // Enabled again, the method starts empty.
    expectNoContent(await n.req('POST', '/v1/sys/auth/userpass', { type: 'userpass' }));
    expectErrors(await n.req('GET', '/v1/auth/userpass/users?list=true'), 404, []);
  });

  it('keeps the auth table and its users through a seal and unseal', async () => {
    const fx = await makeNode({ clock: new SimClock(T0) });
    try {
      const init = await initAndUnseal(fx.app, 1, 1);
      const root = init.root_token;
      await call(fx.app, 'POST', '/v1/sys/auth/people', { token: root, body: { type: 'userpass' } });
      await call(fx.app, 'POST', '/v1/auth/people/users/bob', { token: root, body: { password: 'pw-bob' } });
      fx.node.seal();
      await expect.poll(() => fx.node.state).toBe('sealed');
      await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: init.keys[0] } });
      await expect.poll(() => fx.node.state).toBe('active');
      const list = await call(fx.app, 'GET', '/v1/sys/auth', { token: root });
      expect(Object.keys(list.body.data)).toEqual(['people/', 'token/']);
      const login = await call(fx.app, 'POST', '/v1/auth/people/login/bob', { body: { password: 'pw-bob' } });
      expect(login.status).toBe(200);
    } finally {
      await fx.close();
    }
  });
});
