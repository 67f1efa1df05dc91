/**
 * Pin: a root-policy token created with a ttl, a period or an explicit_max_ttl expires, so it
 * is renewable (create's auth block, lookup-self, and renew-self answers 200); a root token
 * without any never expires and is not renewable (Vault: "lease is not renewable").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock/index.ts';
import { call, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';

let fx: NodeFixture;
let root: string;
const clock = new SimClock(Date.UTC(2026, 5, 1));
const as = (token: string, method: string, url: string, body?: unknown) => call(fx.app, method, url, { token, body });

beforeAll(async () => {
  fx = await makeNode({ clock });
  const init = await fx.node.init({ secretShares: 1, secretThreshold: 1 });
  await fx.node.unseal({ key: init.keys[0] });
  root = init.rootToken;
});
afterAll(() => fx.close());

describe('renewability of root-policy tokens', () => {
  it.each([
    ['ttl', { ttl: '1h' }, 3600],
    ['period', { period: '1h' }, 3600],
    ['explicit_max_ttl', { explicit_max_ttl: '1h' }, 3600],
  ])('with %s: renewable in the create auth block and lookup-self, and renew-self answers 200', async (_field, body, ttl) => {
    const created = await as(root, 'POST', '/v1/auth/token/create', { policies: ['root'], ...body });
    expect(created.status).toBe(200);
    expect(created.body.auth).toMatchObject({ policies: ['root'], lease_duration: ttl, renewable: true, token_type: 'service' });
    const token = created.body.auth.client_token;
    const self = await as(token, 'GET', '/v1/auth/token/lookup-self');
    expect(self.body.data).toMatchObject({ policies: ['root'], renewable: true, ttl });
    await clock.advance(60_000);
    const renewed = await as(token, 'POST', '/v1/auth/token/renew-self', {});
    expect(renewed.status).toBe(200);
    expect(renewed.body.auth).toMatchObject({ client_token: token, policies: ['root'], renewable: true });
  });

  it('without a TTL: not renewable, and renew-self answers 400 "lease is not renewable"', async () => {
    const created = await as(root, 'POST', '/v1/auth/token/create', { policies: ['root'] });
    expect(created.body.auth).toMatchObject({ policies: ['root'], lease_duration: 0, renewable: false });
    const token = created.body.auth.client_token;
    expect((await as(token, 'GET', '/v1/auth/token/lookup-self')).body.data).toMatchObject({ renewable: false, ttl: 0, expire_time: null });
    const r = await as(token, 'POST', '/v1/auth/token/renew-self', {});
    expect([r.status, r.body]).toEqual([400, { errors: ['lease is not renewable'] }]);
    const initial = await as(root, 'POST', '/v1/auth/token/renew-self', {});
    expect([initial.status, initial.body]).toEqual([400, { errors: ['lease is not renewable'] }]);
  });
});
