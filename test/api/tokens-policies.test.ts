/** Issue 3: token trees, expiry on a virtual clock, revocation everywhere, policies enforced over HTTP, capabilities. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock/index.ts';
import { call, createToken, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';

let fx: NodeFixture;
let root: string;
const clock = new SimClock(Date.UTC(2026, 5, 1));
const as = (token: string, method: string, url: string, body?: unknown) => call(fx.app, method, url, { token, body });
const create = (token: string, body: Record<string, unknown> = {}, path = 'create') => createToken(fx.app, token, body, path);

beforeAll(async () => {
  fx = await makeNode({ clock });
  const init = await fx.node.init({ secretShares: 1, secretThreshold: 1, devKvVersion: 2 });
  await fx.node.unseal({ key: init.keys[0] });
  root = init.rootToken;
  await as(root, 'POST', '/v1/secret/data/app/db', { data: { password: 'p' } });
  await as(root, 'POST', '/v1/secret/data/other', { data: { x: 1 } });
  // The default policy cannot create tokens (as in Vault): parents in these tests get this one.
  await as(root, 'PUT', '/v1/sys/policy/minter', { policy: 'path "auth/token/create" { capabilities = ["create", "update"] }' });
});
afterAll(() => fx.close());

describe('tokens', () => {
  it("creates tokens in Vault's shape with default added and warnings for unknown policies", async () => {
    const r = await as(root, 'POST', '/v1/auth/token/create', {
      policies: ['web'],
      ttl: '1h',
      meta: { user: 'armon' },
      display_name: 'Web App',
    });
    expect(r.body.auth).toMatchObject({
      policies: ['default', 'web'],
      token_policies: ['default', 'web'],
      lease_duration: 3600,
      renewable: true,
      orphan: false,
      token_type: 'service',
      metadata: { user: 'armon' },
    });
    expect(r.body.auth.client_token).toMatch(/^hvs\.[A-Za-z0-9]{24}$/);
    expect(r.body.warnings).toEqual(['Policy "web" does not exist']);
    const look = await as(r.body.auth.client_token, 'GET', '/v1/auth/token/lookup-self');
    expect(look.body.data).toMatchObject({ display_name: 'token-web-app', ttl: 3600, path: 'auth/token/create' });
  });

  it('revokes a whole tree with its parent; revoke-orphan keeps the children', async () => {
    const parent = await create(root, { policies: ['minter'] });
    const child = await create(parent.client_token, {});
    const grandchild = await create(child.client_token, {});
    expect((await as(root, 'POST', '/v1/auth/token/revoke', { token: parent.client_token })).status).toBe(204);
    for (const t of [parent, child, grandchild]) expect((await as(t.client_token, 'GET', '/v1/auth/token/lookup-self')).status).toBe(403);

    const p2 = await create(root, { policies: ['minter'] });
    const c2 = await create(p2.client_token, {});
    expect((await as(root, 'POST', '/v1/auth/token/revoke-orphan', { token: p2.client_token })).status).toBe(204);
    const survivor = await as(c2.client_token, 'GET', '/v1/auth/token/lookup-self');
    expect(survivor.status).toBe(200);
    expect(survivor.body.data.orphan).toBe(true);
  });

  it('refuses an expired token, and renewal stops at explicit_max_ttl', async () => {
    const t = await create(root, { policies: ['default'], ttl: '60s', explicit_max_ttl: '90s' });
    await clock.advance(50_000);
    const renewed = await as(t.client_token, 'POST', '/v1/auth/token/renew-self', { increment: '60s' });
    expect(renewed.body.auth.lease_duration).toBe(40);
    await clock.advance(41_000);
    expect((await as(t.client_token, 'GET', '/v1/auth/token/lookup-self')).body).toEqual({ errors: ['permission denied'] });
  });

  it('refuses a revoked token on every path', async () => {
    const t = await create(root, { policies: ['root'] });
    await as(t.client_token, 'POST', '/v1/auth/token/revoke-self');
    for (const [m, u] of [
      ['GET', '/v1/secret/data/other'],
      ['POST', '/v1/secret/data/x'],
      ['GET', '/v1/sys/mounts'],
      ['GET', '/v1/auth/token/lookup-self'],
      ['LIST', '/v1/secret/metadata/?list=true'],
    ]) {
      const r = await as(t.client_token, m === 'LIST' ? 'GET' : m, u, m === 'POST' ? { data: { a: 1 } } : undefined);
      expect(r.status, u).toBe(403);
    }
  });

  it('never shows the id in an accessor lookup, refuses an accessor as a token, and limits uses', async () => {
    const t = await create(root, { policies: ['default'], num_uses: 2 });
    const byAcc = await as(root, 'POST', '/v1/auth/token/lookup-accessor', { accessor: t.accessor });
    expect(byAcc.body.data.id).toBe('');
    expect(JSON.stringify(byAcc.body)).not.toContain(t.client_token);
    expect((await as(t.accessor, 'GET', '/v1/auth/token/lookup-self')).status).toBe(403);
    expect((await as(t.client_token, 'GET', '/v1/auth/token/lookup-self')).status).toBe(200);
    expect((await as(t.client_token, 'GET', '/v1/auth/token/lookup-self')).status).toBe(200);
    expect((await as(t.client_token, 'GET', '/v1/auth/token/lookup-self')).status).toBe(403);
  });

  it("keeps child policies a subset of the parent's, orphans and accessors list for sudo only, and roles", async () => {
    const limited = await create(root, { policies: ['minter'] });
    expect((await as(limited.client_token, 'POST', '/v1/auth/token/create', { policies: ['admin'] })).body.errors).toEqual([
      'child policies must be subset of parent',
    ]);
    expect((await as(limited.client_token, 'POST', '/v1/auth/token/create', { no_parent: true })).body.errors).toEqual([
      'root or sudo privileges required to create orphan token',
    ]);
    expect((await as(limited.client_token, 'GET', '/v1/auth/token/accessors?list=true')).status).toBe(403);
    expect((await as(root, 'GET', '/v1/auth/token/accessors?list=true')).body.data.keys).toContain(limited.accessor);
    expect((await as(root, 'POST', '/v1/auth/token/roles/app', { allowed_policies: ['reader'], orphan: true })).status).toBe(204);
    const viaRole = await create(root, { policies: ['reader'] }, 'create/app');
    expect(viaRole).toMatchObject({ orphan: true, policies: ['default', 'reader'] });
    expect((await as(root, 'GET', '/v1/auth/token/roles?list=true')).body.data.keys).toEqual(['app']);
  });
});

describe('policies over HTTP', () => {
  it('let a token do exactly what its policy allows; deny wins', async () => {
    const policy =
      'path "secret/data/app/*" { capabilities = ["read"] }\npath "secret/data/app/db" { capabilities = ["deny"] }\npath "secret/data/app/web" { capabilities = ["read", "create"] }';
    expect((await as(root, 'PUT', '/v1/sys/policies/acl/reader', { policy })).status).toBe(204);
    expect((await as(root, 'GET', '/v1/sys/policies/acl/reader')).body.data).toEqual({ name: 'reader', policy });
    const t = await create(root, { policies: ['reader'] });
    expect((await as(t.client_token, 'POST', '/v1/secret/data/app/web', { data: { a: 1 } })).status).toBe(200);
    expect((await as(t.client_token, 'GET', '/v1/secret/data/app/web')).status).toBe(200);
    const denied = await as(t.client_token, 'GET', '/v1/secret/data/app/db');
    expect(denied).toMatchObject({ status: 403, body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] } });
    expect((await as(t.client_token, 'POST', '/v1/secret/data/app/web', { data: { a: 2 } })).status).toBe(403);
    expect((await as(t.client_token, 'GET', '/v1/secret/data/other')).status).toBe(403);
    const caps = await as(t.client_token, 'POST', '/v1/sys/capabilities-self', {
      paths: ['secret/data/app/web', 'secret/data/app/db', 'nope'],
    });
    expect(caps.body.data).toMatchObject({ 'secret/data/app/web': ['create', 'read'], 'secret/data/app/db': ['deny'], nope: ['deny'] });
    expect(caps.body['secret/data/app/web']).toEqual(['create', 'read']);
    expect(
      (await as(root, 'POST', '/v1/sys/capabilities-accessor', { accessor: t.accessor, path: 'secret/data/app/x' })).body.data.capabilities,
    ).toEqual(['read']);
  });

  it('applies policy changes on the next request and keeps the built-ins safe', async () => {
    await as(root, 'PUT', '/v1/sys/policy/changing', { policy: 'path "secret/data/other" { capabilities = ["read"] }' });
    const t = await create(root, { policies: ['changing'] });
    expect((await as(t.client_token, 'GET', '/v1/secret/data/other')).status).toBe(200);
    await as(root, 'PUT', '/v1/sys/policy/changing', { policy: 'path "secret/data/nothing" { capabilities = ["read"] }' });
    expect((await as(t.client_token, 'GET', '/v1/secret/data/other')).status).toBe(403);
    const list = await as(root, 'GET', '/v1/sys/policy');
    expect(list.body.data.keys.at(-1)).toBe('root');
    expect(list.body.policies).toContain('default');
    expect((await as(root, 'DELETE', '/v1/sys/policy/default')).body.errors).toEqual(['cannot delete default policy']);
    expect((await as(root, 'PUT', '/v1/sys/policy/root', { policy: 'path "x" { capabilities = ["read"] }' })).body.errors).toEqual([
      'cannot update "root" policy',
    ]);
    expect((await as(root, 'DELETE', '/v1/sys/policy/root')).body.errors).toEqual(['cannot delete "root" policy']);
    expect((await as(root, 'PUT', '/v1/sys/policy/Mixed ', { policy: 'path "x" { capabilities = ["read"] }' })).body.warnings).toEqual([
      'policy name was converted to mixed',
    ]);
  });

  it('demands sudo on root-protected paths', async () => {
    await as(root, 'PUT', '/v1/sys/policy/op', {
      policy: 'path "sys/seal" { capabilities = ["update"] }\npath "auth/token/revoke-orphan" { capabilities = ["update"] }',
    });
    const t = await create(root, { policies: ['op'] });
    expect((await as(t.client_token, 'PUT', '/v1/sys/seal')).status).toBe(403);
    expect((await as(t.client_token, 'POST', '/v1/auth/token/revoke-orphan', { token: t.client_token })).status).toBe(403);
    expect(fx.node.state).toBe('active');
  });
});
