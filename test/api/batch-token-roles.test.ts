/** Token roles' `token_type` (service, batch, default-service, default-batch) and create/<role> with it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createToken, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';
import { dumpBackend } from '../helpers/storage-dump.ts';

let fx: NodeFixture;
let root: string;
const as = (token: string, method: string, url: string, body?: unknown) => call(fx.app, method, url, { token, body });
const role = (name: string, body: Record<string, unknown>) => as(root, 'POST', `/v1/auth/token/roles/${name}`, body);
const typeFrom = async (name: string, body: Record<string, unknown> = {}) =>
  (await createToken(fx.app, root, { policies: ['app'], ...body }, `create/${name}`)).token_type;

beforeAll(async () => {
  fx = await makeNode();
  const init = await fx.node.init({ secretShares: 1, secretThreshold: 1 });
  await fx.node.unseal({ key: init.keys[0] });
  root = init.rootToken;
});
afterAll(() => fx.close());

describe('token_type on token roles', () => {
  it('a new role reads back token_type default-service; a batch role reads back batch', async () => {
    expect((await role('plain', {})).status).toBe(204);
    expect((await as(root, 'GET', '/v1/auth/token/roles/plain')).body.data).toEqual({
      name: 'plain',
      allowed_policies: [],
      disallowed_policies: [],
      orphan: false,
      renewable: true,
      token_period: 0,
      token_explicit_max_ttl: 0,
      path_suffix: '',
      token_type: 'default-service',
    });
    expect((await role('b', { token_type: 'batch', orphan: true, renewable: false, allowed_policies: ['app'] })).status).toBe(204);
    expect((await as(root, 'GET', '/v1/auth/token/roles/b')).body.data).toEqual({
      name: 'b',
      allowed_policies: ['app'],
      disallowed_policies: [],
      orphan: true,
      renewable: false,
      token_period: 0,
      token_explicit_max_ttl: 0,
      path_suffix: '',
      token_type: 'batch',
    });
  });

  it('create/<role> follows the role: service and batch override the body, default-* only fill a blank', async () => {
    await role('svc', { token_type: 'service' });
    await role('b', { token_type: 'batch', orphan: true, renewable: false });
    await role('dsvc', { token_type: 'default-service' });
    await role('dbatch', { token_type: 'default-batch' });
    expect(await typeFrom('b')).toBe('batch');
    expect(await typeFrom('b', { type: 'service' })).toBe('batch');
    expect(await typeFrom('svc', { type: 'batch' })).toBe('service');
    expect(await typeFrom('dsvc')).toBe('service');
    expect(await typeFrom('dsvc', { type: 'batch' })).toBe('batch');
    expect(await typeFrom('dbatch')).toBe('batch');
    expect(await typeFrom('dbatch', { type: 'service' })).toBe('service');
  });

  it('a batch token from a role carries the role and its orphan flag, and works', async () => {
    await role('b', { token_type: 'batch', orphan: true, renewable: false, allowed_policies: ['app'] });
    const t = await createToken(fx.app, root, {}, 'create/b');
    expect(t).toMatchObject({ accessor: '', orphan: true, policies: ['app', 'default'], token_type: 'batch' });
    const self = await as(t.client_token, 'GET', '/v1/auth/token/lookup-self');
    expect(self.body.data).toMatchObject({ role: 'b', orphan: true, path: 'auth/token/create/b', type: 'batch', renewable: false });
  });

  it("refuses a batch role that promises what a batch token cannot be, and an unknown type, in Vault's words, storing nothing", async () => {
    const before = await dumpBackend(fx.backend);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ token_type: 'batch' }, "'token_type' cannot be 'batch' when role is set to generate non-orphan tokens"],
      [
        { token_type: 'batch', orphan: true, token_period: '1h' },
        "'token_type' cannot be 'batch' when role is set to generate periodic tokens",
      ],
      [{ token_type: 'batch', orphan: true }, "'token_type' cannot be 'batch' when role is set to generate renewable tokens"],
      [
        { token_type: 'batch', orphan: true, renewable: false, token_explicit_max_ttl: '1h' },
        "'token_type' cannot be 'batch' when role is set to generate tokens with an explicit max TTL",
      ],
      [{ token_type: 'default' }, `invalid 'token_type' value "default"`],
      [{ token_type: 'bogus' }, `invalid 'token_type' value "bogus"`],
      [{ token_type: null }, "Invalid 'token_type' value: null"],
    ];
    for (const [body, message] of cases) {
      const r = await role('refused', body);
      expect([body, r.status, r.body]).toEqual([body, 400, { errors: [message] }]);
    }
    expect(await dumpBackend(fx.backend)).toEqual(before);
    expect((await as(root, 'GET', '/v1/auth/token/roles/refused')).status).toBe(404);
  });

  it('create/<batch role> refuses a period asked in the body', async () => {
    await role('b', { token_type: 'batch', orphan: true, renewable: false });
    const r = await as(root, 'POST', '/v1/auth/token/create/b', { period: '1h' });
    expect([r.status, r.body]).toEqual([400, { errors: ['batch tokens cannot have "period" set'] }]);
  });
});
