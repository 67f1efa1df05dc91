/**
 * Bad input per endpoint family (kv, token, policy, mounts): every case a 4xx in
 * Vault's shape with its message, no 5xx, and nothing changed (storage digest, state).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';
import { storageDigest } from '../helpers/storage-dump.ts';

let fx: NodeFixture;
let root: string;
let limited: string;

beforeAll(async () => {
  fx = await makeNode();
  const init = await fx.node.init({ secretShares: 1, secretThreshold: 1, devKvVersion: 2 });
  await fx.node.unseal({ key: init.keys[0] });
  root = init.rootToken;
  await call(fx.app, 'POST', '/v1/sys/mounts/kv1', { token: root, body: { type: 'kv', options: { version: '1' } } });
  await call(fx.app, 'POST', '/v1/secret/data/exists', { token: root, body: { data: { a: 1 } } });
  limited = (await call(fx.app, 'POST', '/v1/auth/token/create', { token: root, body: { policies: ['default'] } })).body.auth.client_token;
});
afterAll(() => fx.close());

type Case = [family: string, method: string, url: string, body: unknown, status: number, message?: string | RegExp, token?: 'limited'];

const cases: Case[] = [
  [
    'kv',
    'POST',
    '/v1/secret/data/x',
    { data: 'str' },
    400,
    `Field validation failed: error converting input str for field "data": '' expected a map, got 'string'`,
  ],
  ['kv', 'POST', '/v1/secret/data/x', { nodata: 1 }, 400, 'no data provided'],
  [
    'kv',
    'POST',
    '/v1/secret/data/exists',
    { options: { cas: 9 }, data: { a: 2 } },
    400,
    'check-and-set parameter did not match the current version',
  ],
  ['kv', 'POST', '/v1/secret/delete/exists', { versions: [] }, 400, 'No version number provided'],
  ['kv', 'POST', '/v1/secret/destroy/exists', {}, 400, 'no version number provided'],
  [
    'kv',
    'POST',
    '/v1/secret/metadata/exists',
    { max_versions: 'x' },
    400,
    /^Field validation failed: error converting input x for field "max_versions"/,
  ],
  [
    'kv',
    'POST',
    '/v1/secret/metadata/exists',
    { delete_version_after: 'soon' },
    400,
    /for field "delete_version_after": time: invalid duration "soon"$/,
  ],
  [
    'kv',
    'POST',
    '/v1/secret/metadata/exists',
    { custom_metadata: { k: 'v'.repeat(513) } },
    400,
    /^1 error occurred:\n\t\* custom_metadata validation failed/,
  ],
  [
    'kv',
    'POST',
    '/v1/secret/config',
    { max_versions: 'many' },
    400,
    /^Field validation failed: error converting input many for field "max_versions"/,
  ],
  [
    'kv',
    'GET',
    '/v1/secret/data/exists?version=abc',
    undefined,
    400,
    /^Field validation failed: error converting input abc for field "version"/,
  ],
  ['kv', 'PUT', '/v1/kv1/empty', {}, 400, 'missing data fields'],
  ['kv', 'GET', '/v1/secret/data/exists', undefined, 403, '1 error occurred:\n\t* permission denied\n\n', 'limited'],
  ['token', 'POST', '/v1/auth/token/create', { ttl: 'forever' }, 400, /error parsing ttl/],
  ['token', 'POST', '/v1/auth/token/create', { num_uses: -1 }, 400, 'number of uses cannot be negative'],
  ['token', 'POST', '/v1/auth/token/create', { id: 'has.dot' }, 400, 'token IDs can not contain a period'],
  ['token', 'POST', '/v1/auth/token/create', { type: 'batch' }, 400, 'batch tokens cannot be root tokens'],
  ['token', 'POST', '/v1/auth/token/create', { type: 'batch', num_uses: 2 }, 400, 'batch tokens cannot have "num_uses" set'],
  ['token', 'POST', '/v1/auth/token/create', { type: 'tiny' }, 400, "invalid 'token_type' value"],
  ['token', 'POST', '/v1/auth/token/create/nosuchrole', {}, 400, 'unknown role nosuchrole'],
  ['token', 'POST', '/v1/auth/token/lookup', {}, 400, 'missing token ID'],
  ['token', 'POST', '/v1/auth/token/lookup', { token: 'hvs.unknownunknownunknownun' }, 403, 'bad token'],
  ['token', 'POST', '/v1/auth/token/lookup-accessor', { accessor: 'nope' }, 400, 'invalid accessor'],
  ['token', 'POST', '/v1/auth/token/renew', { token: 'hvs.unknownunknownunknownun' }, 400, 'token not found'],
  ['token', 'POST', '/v1/auth/token/revoke-orphan', { token: 'hvs.unknownunknownunknownun' }, 400, 'token to revoke not found'],
  ['token', 'POST', '/v1/auth/token/renew-self', {}, 400, 'lease is not renewable'],
  ['token', 'POST', '/v1/auth/token/create', { policies: ['x'] }, 403, undefined, 'limited'],
  [
    'policy',
    'PUT',
    '/v1/sys/policies/acl/bad',
    { policy: 'path "x" { capabilities = ["fly"] }' },
    400,
    'failed to parse policy: path "x": invalid capability "fly"',
  ],
  ['policy', 'PUT', '/v1/sys/policies/acl/bad', { policy: 'path "x" {' }, 400, /^failed to parse policy: line 1/],
  ['policy', 'PUT', '/v1/sys/policies/acl/bad', { policy: '' }, 400, "'policy' parameter not supplied or empty"],
  ['policy', 'PUT', '/v1/sys/policy/root', { policy: 'path "x" { capabilities = ["read"] }' }, 400, 'cannot update "root" policy'],
  ['policy', 'DELETE', '/v1/sys/policy/default', undefined, 400, 'cannot delete default policy'],
  ['policy', 'DELETE', '/v1/sys/policies/acl/root', undefined, 400, 'cannot delete "root" policy'],
  ['policy', 'GET', '/v1/sys/policies/acl/missing', undefined, 404],
  ['policy', 'POST', '/v1/sys/capabilities-self', {}, 400, "'paths' must be specified"],
  ['policy', 'POST', '/v1/sys/capabilities-accessor', { accessor: 'nope', paths: ['x'] }, 400, 'invalid accessor'],
  ['mounts', 'POST', '/v1/sys/mounts/new', {}, 400, 'backend type must be specified as a string'],
  ['mounts', 'POST', '/v1/sys/mounts/new', { type: 'aws' }, 400, 'plugin not found in the catalog: aws'],
  ['mounts', 'POST', '/v1/sys/mounts/secret', { type: 'kv' }, 400, 'path is already in use at secret/'],
  ['mounts', 'POST', '/v1/sys/mounts/secret/inner', { type: 'kv' }, 400, 'path is already in use at secret/'],
  ['mounts', 'POST', '/v1/sys/mounts/sys/x', { type: 'kv' }, 400, 'cannot mount "sys/x/"'],
  [
    'mounts',
    'POST',
    '/v1/sys/mounts/kvx',
    { type: 'kv', options: { version: '3' } },
    400,
    'nil backend of type "kv" returned from creation function',
  ],
  ['mounts', 'POST', '/v1/sys/mounts/kvy', { type: 'kv', options: 'v2' }, 400, /for field "options": invalid key pair "v2"$/],
  ['mounts', 'DELETE', '/v1/sys/mounts/sys', undefined, 400, 'cannot unmount "sys/"'],
  ['mounts', 'DELETE', '/v1/sys/mounts/cubbyhole', undefined, 400, 'cannot unmount "cubbyhole/"'],
  ['mounts', 'GET', '/v1/sys/mounts/nothing', undefined, 400, 'No secret engine mount at nothing/'],
  ['mounts', 'POST', '/v1/sys/mounts/secret/tune', { default_lease_ttl: 'later' }, 400, 'time: invalid duration "later"'],
  ['mounts', 'POST', '/v1/sys/mounts/secret/tune', { options: { version: '1' } }, 400, 'cannot downgrade mount from version 2'],
  ['mounts', 'POST', '/v1/sys/mounts/new', { type: 'kv' }, 403, undefined, 'limited'],
];

describe('bad input per endpoint family', () => {
  it.each(cases)('%s: %s %s → %i', async (_family, method, url, body, status, message, who) => {
    const before = { digest: await storageDigest(fx.backend), state: fx.node.state };
    const res = await call(fx.app, method, url, { token: who === 'limited' ? limited : root, body });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/json');
    expect(Array.isArray(res.body.errors)).toBe(true);
    if (typeof message === 'string') expect(res.body.errors).toEqual([message]);
    else if (message) expect(res.body.errors[0]).toMatch(message);
    expect(await storageDigest(fx.backend)).toBe(before.digest);
    expect(fx.node.state).toBe(before.state);
  });
});
