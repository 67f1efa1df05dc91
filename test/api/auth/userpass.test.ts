/**
 * userpass over HTTP: users (create, read without the password, list, delete, password,
 * policies), login with Vault's auth block, one answer for a wrong password and an unknown
 * user, refusals that change nothing, tokens that work on KV per their policies and renew
 * within the max TTL, token_bound_cidrs at login and on use, and no plaintext password in storage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEnvelope, expectErrors, expectNoContent, kvNode, type KvNode } from '../../node/logical/engines/kv-fixture.ts';
import { decryptedStorage, expectLogin, from } from './auth-fixture.ts';

let n: KvNode;
const up = { mountType: 'userpass' };

const userRead = (extra: Record<string, unknown> = {}) => ({
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

beforeAll(async () => {
  n = await kvNode(2);
  await n.req('POST', '/v1/sys/auth/userpass', { type: 'userpass' });
  await n.req('PUT', '/v1/sys/policies/acl/app-read', { policy: 'path "secret/data/app/*" { capabilities = ["read"] }' });
  await n.req('POST', '/v1/secret/data/app/config', { data: { color: 'blue' } });
  await n.req('POST', '/v1/secret/data/other', { data: { x: '1' } });
});
afterAll(() => n.close());

describe('users', () => {
  it('creates a user and reads it back without the password', async () => {
    expectNoContent(
      await n.req('POST', '/v1/auth/userpass/users/Alice', {
        password: 'correct horse',
        token_policies: 'app-read',
        token_ttl: '1h',
        token_max_ttl: '2h',
      }),
    );
    expectEnvelope(
      await n.req('GET', '/v1/auth/userpass/users/alice'),
      200,
      userRead({ token_policies: ['app-read'], token_ttl: 3600, token_max_ttl: 7200 }),
      up,
    );
  });

  it('keeps the deprecated names working and shows them while set', async () => {
    expectNoContent(await n.req('POST', '/v1/auth/userpass/users/old', { password: 'pw', policies: 'A,b', ttl: 60 }));
    expectEnvelope(
      await n.req('GET', '/v1/auth/userpass/users/old'),
      200,
      userRead({ token_policies: ['a', 'b'], policies: ['a', 'b'], token_ttl: 60, ttl: 60 }),
      up,
    );
  });

  it('lists, changes the password and the policies, deletes', async () => {
    expectEnvelope(await n.req('GET', '/v1/auth/userpass/users?list=true'), 200, { keys: ['alice', 'old'] }, up);
    expectNoContent(await n.req('POST', '/v1/auth/userpass/users/old/password', { password: 'pw2' }));
    expect((await n.req('POST', '/v1/auth/userpass/login/old', { password: 'pw' })).status).toBe(400);
    expect((await n.req('POST', '/v1/auth/userpass/login/old', { password: 'pw2' })).status).toBe(200);
    expectNoContent(await n.req('POST', '/v1/auth/userpass/users/old/policies', { token_policies: 'x,Y' }));
    expect((await n.req('GET', '/v1/auth/userpass/users/old')).body.data.token_policies).toEqual(['x', 'y']);
    expectNoContent(await n.req('DELETE', '/v1/auth/userpass/users/old'));
    expectErrors(await n.req('GET', '/v1/auth/userpass/users/old'), 404, []);
  });

  const refusals: Array<[string, string, unknown, number, string]> = [
    ['a new user without a password', 'users/bob', { token_policies: 'x' }, 400, 'missing password'],
    [
      'a malformed bound CIDR',
      'users/bob',
      { password: 'p', token_bound_cidrs: ['10.0.0.0/99'] },
      400,
      'error parsing address "10.0.0.0/99": Unable to convert 10.0.0.0/99 to an IPv4 or IPv6 address, or a UNIX Socket',
    ],
    [
      'a TTL above the max',
      'users/bob',
      { password: 'p', token_ttl: '2h', token_max_ttl: '1h' },
      400,
      "'token_ttl' cannot be greater than 'token_max_ttl'",
    ],
    ['negative uses', 'users/bob', { password: 'p', token_num_uses: -1 }, 400, "'token_num_uses' cannot be negative"],
    ['a bad token type', 'users/bob', { password: 'p', token_type: 'odd' }, 400, `invalid 'token_type' value "odd"`],
    ['a password over 72 bytes', 'users/bob', { password: 'x'.repeat(73) }, 500, 'bcrypt: password length exceeds 72 bytes'],
    ['a password for no such user', 'users/nobody/password', { password: 'p' }, 500, 'username does not exist'],
    ['policies for no such user', 'users/nobody/policies', { token_policies: 'p' }, 500, 'username does not exist'],
    ['policies without policies', 'users/alice/policies', {}, 400, 'token_policies must be provided'],
    ['an empty password change', 'users/alice/password', {}, 400, 'missing password'],
  ];
  for (const [what, path, body, status, message] of refusals) {
    it(`refuses ${what}, changing nothing`, async () => {
      const before = await n.digest();
      expectErrors(await n.req('POST', `/v1/auth/userpass/${path}`, body), status, [message]);
      expect(await n.digest()).toBe(before);
    });
  }
});

describe('login', () => {
  it("answers with Vault's auth block and a token that lookup-self describes", async () => {
    const r = await n.req('POST', '/v1/auth/userpass/login/alice', { password: 'correct horse' }, { token: '' });
    expectLogin(
      r,
      { policies: ['app-read', 'default'], token_policies: ['app-read', 'default'], metadata: { username: 'alice' }, lease_duration: 3600 },
      'userpass',
    );
    const token = r.body.auth.client_token;
    const self = await n.req('GET', '/v1/auth/token/lookup-self', undefined, { token });
    expect(self.body.data).toMatchObject({
      path: 'auth/userpass/login/alice',
      display_name: 'userpass-alice',
      meta: { username: 'alice' },
      policies: ['app-read', 'default'],
      orphan: true,
      renewable: true,
      creation_ttl: 3600,
      ttl: 3600,
      explicit_max_ttl: 0,
      entity_id: '',
    });
  });

  it('gives one answer for a wrong password, an unknown user and an overlong password', async () => {
    const before = await n.digest();
    for (const [name, password] of [
      ['alice', 'wrong'],
      ['nobody', 'whatever'],
      ['alice', 'x'.repeat(10_000)],
    ]) {
      expectErrors(await n.req('POST', `/v1/auth/userpass/login/${name}`, { password }, { token: '' }), 400, [
        'invalid username or password',
      ]);
    }
    expectErrors(await n.req('POST', '/v1/auth/userpass/login/alice', {}, { token: '' }), 500, ['missing password']);
    expect(await n.digest()).toBe(before);
  });

  it('gives a token that reads what its policy allows and nothing else, and renews up to the max TTL', async () => {
    const token = (await n.req('POST', '/v1/auth/userpass/login/alice', { password: 'correct horse' })).body.auth.client_token;
    expect((await n.req('GET', '/v1/secret/data/app/config', undefined, { token })).body.data.data).toEqual({ color: 'blue' });
    expectErrors(await n.req('GET', '/v1/secret/data/other', undefined, { token }), 403, ['1 error occurred:\n\t* permission denied\n\n']);
    await n.clock.advance(3000 * 1000);
    const renewed = await n.req('POST', '/v1/auth/token/renew-self', {}, { token });
    expect(renewed.body.auth.lease_duration).toBe(3600);
    await n.clock.advance(3000 * 1000);
    // 6000 s in, the 7200 s max leaves 1200.
    expect((await n.req('POST', '/v1/auth/token/renew-self', {}, { token })).body.auth.lease_duration).toBe(1200);
    await n.clock.advance(1201 * 1000);
    expectErrors(await n.req('GET', '/v1/auth/token/lookup-self', undefined, { token }), 403, ['permission denied']);
  });

  it('binds logins and tokens to token_bound_cidrs', async () => {
    await n.req('POST', '/v1/auth/userpass/users/carol', { password: 'pw-carol', token_bound_cidrs: '10.1.0.0/16' });
    expectErrors(await from(n, '192.168.0.9', 'POST', '/v1/auth/userpass/login/carol', { password: 'pw-carol' }), 403, [
      'permission denied',
    ]);
    const ok = await from(n, '10.1.2.3', 'POST', '/v1/auth/userpass/login/carol', { password: 'pw-carol' });
    expect(ok.status).toBe(200);
    const token = ok.body.auth.client_token;
    expect((await from(n, '10.1.9.9', 'GET', '/v1/auth/token/lookup-self', undefined, token)).body.data.bound_cidrs).toEqual([
      '10.1.0.0/16',
    ]);
    expectErrors(await from(n, '10.2.0.1', 'GET', '/v1/auth/token/lookup-self', undefined, token), 403, ['permission denied']);
  });

  it('never stores a password in plaintext', async () => {
    const text = await decryptedStorage(n.fx.node.system.storage);
    expect(text).toContain('user/alice');
    for (const pw of ['correct horse', 'pw-carol', 'pw2']) expect(text).not.toContain(pw);
  });
});
