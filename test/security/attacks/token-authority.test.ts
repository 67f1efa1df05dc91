/**
 * Attack corpus, token authority: every way a token without root tried to mint more
 * authority than it holds, a limited-use token tried to outlive its uses, and a subtree
 * tried to outlive its parent. Each case is an attack that worked once; it must keep failing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/clock/index.ts';
import { call, createToken, makeNode, type NodeFixture } from '../../helpers/node-fixture.ts';

let fx: NodeFixture;
let root: string;
const clock = new SimClock(Date.UTC(2026, 5, 1));
const as = (token: string, method: string, url: string, body?: unknown) => call(fx.app, method, url, { token, body });
const mint = async (token: string, body: Record<string, unknown>, path = 'create') =>
  (await createToken(fx.app, token, body, path)).client_token;

beforeAll(async () => {
  fx = await makeNode({ clock });
  const init = await fx.node.init({ secretShares: 1, secretThreshold: 1, devKvVersion: 2 });
  await fx.node.unseal({ key: init.keys[0] });
  root = init.rootToken;
  await as(root, 'POST', '/v1/secret/data/crown-jewels', { data: { k: 'v' } });
  await as(root, 'PUT', '/v1/sys/policy/role-minter', { policy: 'path "auth/token/create/*" { capabilities = ["update"] }' });
  await as(root, 'PUT', '/v1/sys/policy/sudo-minter', {
    policy:
      'path "auth/token/create" { capabilities = ["update", "sudo"] }\npath "auth/token/create/*" { capabilities = ["update", "sudo"] }',
  });
  await as(root, 'PUT', '/v1/sys/policy/minter', { policy: 'path "auth/token/create" { capabilities = ["update"] }' });
  await as(root, 'POST', '/v1/auth/token/roles/open', {});
  await as(root, 'POST', '/v1/auth/token/roles/rooty', { allowed_policies: ['root'] });
  await as(root, 'POST', '/v1/auth/token/roles/web', { allowed_policies: ['web'] });
});
afterAll(() => fx.close());

/** Vault's refusals of a child token that would hold more than its parent. */
const NOT_SUBSET = 'child policies must be subset of parent';
const ROOT_NEEDS_ROOT = 'root tokens may not be created without parent token being root';

describe('attack: minting authority through token creation', () => {
  const attacks: Array<[string, string, string, Record<string, unknown>, string]> = [
    ['root through a role with no allowed policies', 'role-minter', 'create/open', { policies: ['root'] }, NOT_SUBSET],
    [
      'a policy the caller lacks through a role with no allowed policies',
      'role-minter',
      'create/open',
      { policies: ['sudo-minter'] },
      NOT_SUBSET,
    ],
    ['root through a role that allows root', 'role-minter', 'create/rooty', {}, ROOT_NEEDS_ROOT],
    ['root with sudo on the create path', 'sudo-minter', 'create', { policies: ['root'] }, ROOT_NEEDS_ROOT],
    ['root with sudo through a role with no allowed policies', 'sudo-minter', 'create/open', { policies: ['root'] }, ROOT_NEEDS_ROOT],
    ['more than the parent holds', 'minter', 'create', { policies: ['sudo-minter'] }, NOT_SUBSET],
    ['a policy outside the role', 'role-minter', 'create/web', { policies: ['admin'] }, "must be subset of the role's allowed policies"],
    [
      'a periodic token without sudo, through a role',
      'role-minter',
      'create/web',
      { period: '1h' },
      'root or sudo privileges required to create periodic token',
    ],
    ['an orphan without sudo', 'minter', 'create', { no_parent: true }, 'root or sudo privileges required to create orphan token'],
    ['a chosen token id without sudo', 'minter', 'create', { id: 'chosen' }, 'root or sudo privileges required to specify token id'],
  ];
  it.each(attacks)('refuses %s (400, nothing created)', async (_name, policy, path, body, message) => {
    const caller = await mint(root, { policies: [policy] });
    const before = (await as(root, 'GET', '/v1/auth/token/accessors?list=true')).body.data.keys.length;
    const r = await as(caller, 'POST', `/v1/auth/token/${path}`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.errors.join(' ')).toContain(message);
    expect((await as(root, 'GET', '/v1/auth/token/accessors?list=true')).body.data.keys.length).toBe(before);
  });

  it('a token minted through an open role holds no more than its caller: no secret, no policy writes', async () => {
    const caller = await mint(root, { policies: ['role-minter'] });
    const child = await mint(caller, {}, 'create/open');
    expect((await as(child, 'GET', '/v1/auth/token/lookup-self')).body.data.policies).toEqual(['default', 'role-minter']);
    expect((await as(child, 'GET', '/v1/secret/data/crown-jewels')).status).toBe(403);
    expect((await as(child, 'PUT', '/v1/sys/policy/mine', { policy: 'path "*" { capabilities = ["sudo"] }' })).status).toBe(403);
  });

  it("create-orphan takes no role (Vault's paths)", async () => {
    const r = await as(root, 'POST', '/v1/auth/token/create-orphan/open', {});
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ errors: ['1 error occurred:\n\t* unsupported path\n\n'] });
  });

  it('an expiring root token cannot mint a root token that never expires', async () => {
    const expiring = await mint(root, { policies: ['root'], ttl: '1h' });
    const r = await as(expiring, 'POST', '/v1/auth/token/create', { policies: ['root'] });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual(['expiring root tokens cannot create non-expiring root tokens']);
  });
});

describe('attack: outliving a limited number of uses', () => {
  it('200 concurrent requests with num_uses=5: exactly 5 are served, then the token is revoked', async () => {
    const limited = await mint(root, { policies: ['default'], num_uses: 5 });
    const results = await Promise.all(Array.from({ length: 200 }, () => as(limited, 'GET', '/v1/auth/token/lookup-self')));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 403)).toHaveLength(195);
    expect((await as(root, 'POST', '/v1/auth/token/lookup', { token: limited })).status).toBe(403);
  });
});

describe("attack: a subtree outliving its parent's expiry", () => {
  it('a parent with ttl=3s takes its 1h child and grandchild with it, on time', async () => {
    const parent = await mint(root, { policies: ['minter'], ttl: '3s' });
    const child = await mint(parent, { ttl: '1h' });
    const grandchild = await mint(child, { ttl: '1h' });
    await clock.advance(2_900);
    for (const t of [parent, child, grandchild]) expect((await as(t, 'GET', '/v1/auth/token/lookup-self')).status).toBe(200);
    await clock.advance(1_600);
    for (const t of [parent, child, grandchild]) expect((await as(t, 'GET', '/v1/auth/token/lookup-self')).status).toBe(403);
    // Revoked, not merely hidden: nothing of the tree is left in the token store.
    for (const t of [parent, child, grandchild]) expect(await fx.node.system.tokens.byHash(fx.node.system.tokens.hash(t))).toBeUndefined();
  });
});

describe('attack: a limited-use token on the raw sudo endpoints', () => {
  it('step-down spends a use like any request: a one-use token steps down once at most', async () => {
    await as(root, 'PUT', '/v1/sys/policy/stepper', { policy: 'path "sys/step-down" { capabilities = ["update", "sudo"] }' });
    const once = await mint(root, { policies: ['stepper'], num_uses: 1 });
    // A single node without HA answers the step-down itself; what matters is the second call.
    await as(once, 'PUT', '/v1/sys/step-down');
    expect((await as(once, 'PUT', '/v1/sys/step-down')).status).toBe(403);
  });
});
