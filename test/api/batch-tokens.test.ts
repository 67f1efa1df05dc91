/** Batch tokens (`hvb.`): sealed, never stored, not renewable, not revocable, bound to their TTL and their parent. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock/index.ts';
import { call, createToken, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';
import { dumpBackend } from '../helpers/storage-dump.ts';

let fx: NodeFixture;
let root: string;
const clock = new SimClock(Date.UTC(2026, 5, 1));
const T0 = clock.now();
const as = (token: string, method: string, url: string, body?: unknown) => call(fx.app, method, url, { token, body });
const create = (token: string, body: Record<string, unknown> = {}, path = 'create') => createToken(fx.app, token, body, path);
const batch = (body: Record<string, unknown> = {}) => create(root, { type: 'batch', policies: ['reader'], ttl: '1h', ...body });
const denied = { errors: ['permission denied'] };

beforeAll(async () => {
  fx = await makeNode({ clock });
  const init = await fx.node.init({ secretShares: 1, secretThreshold: 1, devKvVersion: 2 });
  await fx.node.unseal({ key: init.keys[0] });
  root = init.rootToken;
  await as(root, 'PUT', '/v1/sys/policy/reader', { policy: 'path "secret/data/app/*" { capabilities = ["create", "read", "update"] }' });
  await as(root, 'PUT', '/v1/sys/policy/minter', { policy: 'path "auth/token/create" { capabilities = ["create", "update"] }' });
  await as(root, 'POST', '/v1/secret/data/app/db', { data: { password: 'p' } });
});
afterAll(() => fx.close());

describe('creating a batch token', () => {
  it("answers Vault's auth block: hvb. id, no accessor, not renewable, batch", async () => {
    const r = await as(root, 'POST', '/v1/auth/token/create', { type: 'batch', policies: ['reader'], ttl: '1h', meta: { app: 'web' } });
    expect(r.status).toBe(200);
    const token = r.body.auth.client_token;
    expect(token).toMatch(/^hvb\.[A-Za-z0-9_-]+$/);
    expect(token.length).toBeLessThan(4096);
    expect(r.body).toEqual({
      request_id: expect.any(String),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: null,
      warnings: null,
      auth: {
        client_token: token,
        accessor: '',
        policies: ['default', 'reader'],
        token_policies: ['default', 'reader'],
        metadata: { app: 'web' },
        lease_duration: 3600,
        renewable: false,
        entity_id: '',
        token_type: 'batch',
        orphan: false,
        mfa_requirement: null,
        num_uses: 0,
      },
      mount_type: 'token',
    });
  });

  it('stores nothing: every storage key and byte is the same before and after, and the blob names no policy in clear', async () => {
    const before = await dumpBackend(fx.backend);
    const t = await batch({ policies: ['reader', 'minter'], display_name: 'secret-display' });
    expect(await dumpBackend(fx.backend)).toEqual(before);
    const blob = Buffer.from(t.client_token.slice(4), 'base64url');
    for (const clear of ['reader', 'minter', 'secret-display', 'auth/token/create']) expect(blob.includes(clear)).toBe(false);
  });

  it('is not listed among the accessors', async () => {
    const list = async () => (await as(root, 'GET', '/v1/auth/token/accessors?list=true')).body.data.keys;
    const before = await list();
    await batch();
    expect(await list()).toEqual(before);
    expect(before).not.toContain('');
  });
});

describe('using a batch token', () => {
  it('reads and writes KV within its policies, and nothing else', async () => {
    const t = (await batch()).client_token;
    expect((await as(t, 'GET', '/v1/secret/data/app/db')).body.data.data).toEqual({ password: 'p' });
    expect((await as(t, 'POST', '/v1/secret/data/app/new', { data: { v: 1 } })).status).toBe(200);
    const other = await as(t, 'GET', '/v1/secret/data/other');
    expect(other.status).toBe(403);
    expect(other.body).toEqual({ errors: ['1 error occurred:\n\t* permission denied\n\n'] });
  });

  it('looks itself up (lookup-self) and is looked up by another token (lookup), id shown, accessor empty', async () => {
    const t = (await batch()).client_token;
    const data = {
      accessor: '',
      creation_time: Math.floor(T0 / 1000),
      creation_ttl: 3600,
      display_name: 'token',
      entity_id: '',
      expire_time: new Date(T0 + 3_600_000).toISOString(),
      explicit_max_ttl: 0,
      id: t,
      issue_time: new Date(T0).toISOString(),
      meta: null,
      num_uses: 0,
      orphan: false,
      path: 'auth/token/create',
      policies: ['default', 'reader'],
      renewable: false,
      ttl: 3600,
      type: 'batch',
    };
    const self = await as(t, 'GET', '/v1/auth/token/lookup-self');
    expect(self.status).toBe(200);
    expect(self.body.data).toEqual(data);
    const other = await as(root, 'POST', '/v1/auth/token/lookup', { token: t });
    expect(other.body.data).toEqual(data);
  });

  it('has no cubbyhole (400 after the ACL, which the default policy passes)', async () => {
    const t = (await batch()).client_token;
    for (const [method, body] of [
      ['POST', { v: 1 }],
      ['GET', undefined],
    ] as const) {
      const r = await as(t, method, '/v1/cubbyhole/x', body);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ errors: ['cubbyhole operations are only supported by "service" type tokens'] });
    }
  });
});

describe("a batch token's refusals, in Vault's words, changing nothing", () => {
  it('cannot be renewed, revoked, or create tokens; works as before afterwards', async () => {
    const t = (await batch({ policies: ['reader', 'minter'] })).client_token;
    const before = await dumpBackend(fx.backend);
    const refusals: Array<[string, string, string, unknown, string]> = [
      [t, 'POST', '/v1/auth/token/renew-self', {}, 'batch tokens cannot be renewed'],
      [root, 'POST', '/v1/auth/token/renew', { token: t }, 'batch tokens cannot be renewed'],
      [t, 'POST', '/v1/auth/token/revoke-self', {}, 'batch tokens cannot be revoked'],
      [root, 'POST', '/v1/auth/token/revoke', { token: t }, 'batch tokens cannot be revoked'],
      [root, 'POST', '/v1/auth/token/revoke-orphan', { token: t }, 'batch tokens cannot be revoked'],
      [t, 'POST', '/v1/auth/token/create', {}, 'batch tokens cannot create more tokens'],
      [t, 'POST', '/v1/auth/token/create', { type: 'batch' }, 'batch tokens cannot create more tokens'],
    ];
    for (const [token, method, url, body, message] of refusals) {
      const r = await as(token, method, url, body);
      expect([url, r.status, r.body]).toEqual([url, 400, { errors: [message] }]);
    }
    expect(await dumpBackend(fx.backend)).toEqual(before);
    expect((await as(t, 'GET', '/v1/auth/token/lookup-self')).status).toBe(200);
  });

  it('refuses num_uses, period, explicit_max_ttl, a root policy and an unknown type at creation', async () => {
    const before = await dumpBackend(fx.backend);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ num_uses: 3 }, 'batch tokens cannot have "num_uses" set'],
      [{ period: '1h' }, 'batch tokens cannot have "period" set'],
      [{ explicit_max_ttl: '2h' }, 'batch tokens cannot have "explicit_max_ttl" set'],
      [{ explicit_max_ttl: 'soon' }, '"explicit_max_ttl" value could not be parsed'],
      [{ policies: ['root'] }, 'batch tokens cannot be root tokens'],
      [{ type: 'bogus' }, "invalid 'token_type' value"],
    ];
    for (const [extra, message] of cases) {
      const r = await as(root, 'POST', '/v1/auth/token/create', { type: 'batch', ttl: '1h', ...extra });
      expect([extra, r.status, r.body]).toEqual([extra, 400, { errors: [message] }]);
    }
    expect(await dumpBackend(fx.backend)).toEqual(before);
  });

  it('a zero period or explicit_max_ttl is no refusal (Vault judges the value)', async () => {
    const t = await batch({ period: '0', explicit_max_ttl: 0 });
    expect(t.token_type).toBe('batch');
  });
});

describe('the life of a batch token', () => {
  it('ends with its TTL on the clock: 403 on use, "bad token" on lookup, and revoke finds nothing (204)', async () => {
    const t = (await batch({ ttl: '10m' })).client_token;
    await clock.advance(599_000);
    expect((await as(t, 'GET', '/v1/auth/token/lookup-self')).body.data.ttl).toBe(1);
    await clock.advance(1_000);
    const self = await as(t, 'GET', '/v1/auth/token/lookup-self');
    expect([self.status, self.body]).toEqual([403, denied]);
    const look = await as(root, 'POST', '/v1/auth/token/lookup', { token: t });
    expect([look.status, look.body]).toEqual([403, { errors: ['bad token'] }]);
    expect((await as(root, 'POST', '/v1/auth/token/revoke', { token: t })).status).toBe(204);
  });

  it('stops working when its parent is revoked; an orphan batch token does not', async () => {
    const parent = await create(root, { policies: ['minter', 'reader'], ttl: '2h' });
    const child = (await create(parent.client_token, { type: 'batch', policies: ['reader'] })).client_token;
    const orphan = (await create(root, { type: 'batch', policies: ['reader'], no_parent: true })).client_token;
    expect((await as(child, 'GET', '/v1/auth/token/lookup-self')).body.data).toMatchObject({ orphan: false, ttl: 2_764_800 });
    expect((await as(orphan, 'GET', '/v1/auth/token/lookup-self')).body.data.orphan).toBe(true);
    expect((await as(root, 'POST', '/v1/auth/token/revoke', { token: parent.client_token })).status).toBe(204);
    expect((await as(child, 'GET', '/v1/secret/data/app/db')).body).toEqual(denied);
    expect((await as(orphan, 'GET', '/v1/secret/data/app/db')).status).toBe(200);
  });

  it('stops working when its parent expires', async () => {
    const parent = await create(root, { policies: ['minter', 'reader'], ttl: '5m' });
    const child = (await create(parent.client_token, { type: 'batch', ttl: '1h' })).client_token;
    await clock.advance(300_000);
    expect((await as(child, 'GET', '/v1/auth/token/lookup-self')).body).toEqual(denied);
  });
});

describe('tokens that are not batch tokens', () => {
  it('a huge, malformed, truncated or altered hvb. string is 403 permission denied, never a 500', async () => {
    const t = (await batch()).client_token;
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const forged = [
      'hvb.',
      'hvb.!!!',
      'hvb.' + 'A'.repeat(5000),
      'hvb.' + 'A'.repeat(300),
      t.slice(0, 40),
      flip(t, 30),
      flip(t, t.length - 2),
    ];
    for (const bad of forged) {
      const r = await as(bad, 'GET', '/v1/secret/data/app/db');
      expect([bad.length, r.status, r.body]).toEqual([bad.length, 403, denied]);
      const look = await as(root, 'POST', '/v1/auth/token/lookup', { token: bad });
      expect([bad.length, look.status, look.body]).toEqual([bad.length, 403, { errors: ['bad token'] }]);
    }
  });

  it("another cluster's batch token does not open here", async () => {
    const other = await makeNode({ clock });
    try {
      const init = await other.node.init({ secretShares: 1, secretThreshold: 1 });
      await other.node.unseal({ key: init.keys[0] });
      const foreign = (await createToken(other.app, init.rootToken, { type: 'batch', policies: ['reader'] })).client_token;
      expect((await as(foreign, 'GET', '/v1/auth/token/lookup-self')).body).toEqual(denied);
    } finally {
      await other.close();
    }
  });
});
