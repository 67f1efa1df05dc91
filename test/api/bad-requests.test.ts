/**
 * Bad input gets a 4xx in Vault's shape and changes nothing: a table of malformed
 * requests against an unsealed node, with a digest of storage, the node state and the
 * unseal progress compared before and after each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, UNAUTHENTICATED_BODY_LIMIT, type Listener } from '../../src/api/index.ts';
import { call, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';
import { sendRaw } from '../helpers/raw-http.ts';
import { storageDigest } from '../helpers/storage-dump.ts';

let fx: NodeFixture;
let root: string;

beforeAll(async () => {
  fx = await makeNode();
  const init = await fx.node.init({ secretShares: 3, secretThreshold: 2, devKvVersion: 2 });
  for (const k of [0, 1]) await fx.node.unseal({ key: init.keys[k] });
  root = init.rootToken;
  await call(fx.app, 'POST', '/v1/secret/data/existing', { token: root, body: { data: { a: 1 } } });
});
afterAll(() => fx.close());

interface Case {
  name: string;
  method: string;
  url: string;
  token?: 'root' | 'bogus' | 'none';
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  message?: string | RegExp;
}

const big = `{"data":{"x":"${'a'.repeat(33 * 1024 * 1024)}"}}`;
/** A KV write of exactly `bytes`. */
const sized = (bytes: number) => `{"data":{"x":"${'a'.repeat(bytes - 17)}"}}`;
const overAnonymous = sized(UNAUTHENTICATED_BODY_LIMIT + 1);

const cases: Case[] = [
  {
    name: 'malformed JSON',
    method: 'POST',
    url: '/v1/secret/data/x',
    raw: '{"data": {',
    status: 400,
    message: /^failed to parse JSON input/,
  },
  { name: 'JSON array body', method: 'POST', url: '/v1/secret/data/x', raw: '[1,2]', status: 400, message: /cannot unmarshal array/ },
  { name: 'JSON string body', method: 'POST', url: '/v1/secret/data/x', raw: '"x"', status: 400, message: /cannot unmarshal string/ },
  {
    name: '__proto__ key',
    method: 'POST',
    url: '/v1/secret/data/x',
    raw: '{"data":{"__proto__":{"a":1}}}',
    status: 400,
    message: /__proto__/,
  },
  {
    name: 'kv v2 write without data',
    method: 'POST',
    url: '/v1/secret/data/x',
    raw: '{"options":{}}',
    status: 400,
    message: 'no data provided',
  },
  { name: 'kv v2 data not an object', method: 'POST', url: '/v1/secret/data/x', raw: '{"data":[1]}', status: 400 },
  {
    name: 'kv v2 cas mismatch',
    method: 'POST',
    url: '/v1/secret/data/existing',
    raw: '{"options":{"cas":5},"data":{"a":2}}',
    status: 400,
    message: 'check-and-set parameter did not match the current version',
  },
  {
    name: 'unknown mount',
    method: 'GET',
    url: '/v1/nope/thing',
    status: 404,
    message: 'no handler for route "nope/thing". route entry not found.',
  },
  { name: 'path outside /v1', method: 'GET', url: '/v2/sys/health', token: 'none', status: 404 },
  { name: 'missing token', method: 'GET', url: '/v1/secret/data/existing', token: 'none', status: 403, message: 'permission denied' },
  {
    name: 'bogus token',
    method: 'POST',
    url: '/v1/secret/data/x',
    token: 'bogus',
    raw: '{"data":{"a":1}}',
    status: 403,
    message: 'permission denied',
  },
  {
    name: 'write to a folder',
    method: 'POST',
    url: '/v1/secret/data/dir/',
    raw: '{"data":{"a":1}}',
    status: 400,
    message: "cannot write to a path ending in '/'",
  },
  { name: 'unparsable list flag', method: 'GET', url: '/v1/secret/metadata/?list=yes', status: 400 },
  {
    name: 'PATCH without merge-patch type',
    method: 'PATCH',
    url: '/v1/secret/data/existing',
    raw: '{"data":{"a":3}}',
    headers: { 'content-type': 'application/json' },
    status: 415,
    message: /merge-patch\+json/,
  },
  {
    name: 'unseal with garbage key',
    method: 'PUT',
    url: '/v1/sys/unseal',
    token: 'none',
    raw: '{"key":"!!!"}',
    status: 400,
    message: "'key' must be a valid hex or base64 string",
  },
  {
    name: 'unseal with no key',
    method: 'PUT',
    url: '/v1/sys/unseal',
    token: 'none',
    raw: '{}',
    status: 400,
    message: "'key' must be specified in request body as JSON, or 'reset' set to true",
  },
  { name: 'unseal with a short key', method: 'PUT', url: '/v1/sys/unseal', token: 'none', raw: '{"key":"abcd"}', status: 400 },
  { name: 'unseal key of the wrong type', method: 'PUT', url: '/v1/sys/unseal', token: 'none', raw: '{"key":5}', status: 400 },
  {
    name: 'init again',
    method: 'PUT',
    url: '/v1/sys/init',
    token: 'none',
    raw: '{"secret_shares":5,"secret_threshold":3}',
    status: 400,
    message: 'Vault is already initialized',
  },
  {
    name: 'init with a string count',
    method: 'PUT',
    url: '/v1/sys/init',
    token: 'none',
    raw: '{"secret_shares":"5","secret_threshold":3}',
    status: 400,
  },
  { name: 'GET on sys/unseal', method: 'GET', url: '/v1/sys/unseal', token: 'none', status: 405 },
  { name: 'health with a bad code', method: 'GET', url: '/v1/sys/health?activecode=abc', token: 'none', status: 400 },
  {
    name: 'health with a bad standbyok',
    method: 'GET',
    url: '/v1/sys/health?standbyok=maybe',
    token: 'none',
    status: 400,
    message: 'bad value for standbyok parameter',
  },
  { name: 'seal without a token', method: 'PUT', url: '/v1/sys/seal', token: 'none', status: 403 },
  { name: 'read of a missing secret', method: 'GET', url: '/v1/secret/data/missing', status: 404 },
  { name: 'oversized body', method: 'POST', url: '/v1/secret/data/x', raw: big, status: 413, message: /request body too large/ },
  {
    name: 'a body at the unauthenticated limit, without a token',
    method: 'POST',
    url: '/v1/secret/data/x',
    token: 'none',
    raw: sized(UNAUTHENTICATED_BODY_LIMIT),
    status: 403,
    message: 'permission denied',
  },
  {
    name: 'a body over the unauthenticated limit, without a token',
    method: 'POST',
    url: '/v1/secret/data/x',
    token: 'none',
    raw: overAnonymous,
    status: 413,
    message: 'http: request body too large',
  },
  {
    name: 'a body over the unauthenticated limit, with a bogus token',
    method: 'PUT',
    url: '/v1/cubbyhole/x',
    token: 'bogus',
    raw: overAnonymous,
    status: 413,
    message: 'http: request body too large',
  },
  {
    name: 'sys/unseal body over its limit',
    method: 'PUT',
    url: '/v1/sys/unseal',
    token: 'none',
    raw: `{"key":"${'a'.repeat(UNAUTHENTICATED_BODY_LIMIT)}"}`,
    status: 413,
    message: 'http: request body too large',
  },
  {
    name: 'sys/init body over its limit, even with a token',
    method: 'PUT',
    url: '/v1/sys/init',
    raw: overAnonymous,
    status: 413,
    message: 'http: request body too large',
  },
  {
    name: 'nesting deeper than max_json_depth',
    method: 'POST',
    url: '/v1/secret/data/x',
    raw: `{"data":{"a":${'['.repeat(300)}${']'.repeat(300)}}}`,
    status: 400,
    message: 'JSON input exceeds allowed nesting depth',
  },
  {
    name: 'an array longer than max_json_array_element_count',
    method: 'POST',
    url: '/v1/secret/data/x',
    raw: `{"data":{"a":[0${',0'.repeat(10_000)}]}}`,
    status: 400,
    message: 'JSON array exceeds allowed element count',
  },
  {
    name: 'an object wider than max_json_object_entry_count',
    method: 'POST',
    url: '/v1/secret/data/x',
    raw: `{"data":{${Array.from({ length: 10_001 }, (_, i) => `"k${i}":0`).join(',')}}}`,
    status: 400,
    message: 'JSON object exceeds allowed entry count',
  },
  {
    name: 'a string longer than max_json_string_value_length',
    method: 'POST',
    url: '/v1/secret/data/x',
    raw: sized(1_048_576 + 20),
    status: 400,
    message: 'JSON string value exceeds allowed length',
  },
  {
    name: '__proto__ key deep in an array',
    method: 'POST',
    url: '/v1/secret/data/x',
    raw: '{"data":{"a":[[{"b":{"__proto__":{"polluted":1}}}]]}}',
    status: 400,
    message: /__proto__/,
  },
  {
    name: 'constructor.prototype key',
    method: 'POST',
    url: '/v1/secret/data/x',
    raw: '{"data":{"constructor":{"prototype":{"polluted":1}}}}',
    status: 400,
    message: /constructor\.prototype/,
  },
  {
    name: '__proto__ key in a form',
    method: 'POST',
    url: '/v1/cubbyhole/x',
    raw: '__proto__=1&a=b',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 400,
    message: /__proto__/,
  },
  {
    name: 'a form with more pairs than max_json_object_entry_count',
    method: 'POST',
    url: '/v1/cubbyhole/x',
    raw: Array.from({ length: 10_001 }, (_, i) => `k${i}=v`).join('&'),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 400,
    message: 'form exceeds allowed entry count',
  },
  {
    name: 'an unseal key given as an array',
    method: 'PUT',
    url: '/v1/sys/unseal',
    token: 'none',
    raw: '{"key":[0,0,0]}',
    status: 400,
    message: "'key' must be a valid hex or base64 string",
  },
];

describe('bad requests', () => {
  it.each(cases)("$name → $status in Vault's shape, no state change", async (c) => {
    const before = { digest: await storageDigest(fx.backend), status: fx.node.sealStatus(), state: fx.node.state };
    const token = c.token === 'none' ? undefined : c.token === 'bogus' ? 'hvs.bogusbogusbogusbogusbogu' : root;
    const res = await call(fx.app, c.method, c.url, {
      token,
      raw: c.raw,
      headers: { 'content-type': 'application/json', ...(c.headers ?? {}) },
    });
    expect(res.status).toBe(c.status);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(Array.isArray(res.body.errors)).toBe(true);
    if (typeof c.message === 'string') expect(res.body.errors).toEqual([c.message]);
    else if (c.message) expect(res.body.errors[0]).toMatch(c.message);
    expect(await storageDigest(fx.backend)).toBe(before.digest);
    expect(fx.node.sealStatus()).toEqual(before.status);
    expect(fx.node.state).toBe(before.state);
  });
});

describe('valid but odd requests', () => {
  it.each([
    ['no content type', undefined, '{"data":{"a":1}}'],
    ['text/plain holding JSON', 'text/plain', '{"data":{"a":1}}'],
    ['form type holding JSON', 'application/x-www-form-urlencoded', '{"data":{"a":1}}'],
    ['leading whitespace', 'application/json', '   \n{"data":{"a":1}}'],
  ])('%s is accepted', async (_n, type, raw) => {
    const headers: Record<string, string> = type ? { 'content-type': type } : {};
    const res = await call(fx.app, 'POST', '/v1/secret/data/odd', { token: root, raw, headers });
    expect(res.status).toBe(200);
  });

  it('an empty body with a JSON content type is no data (step-down and seal send none)', async () => {
    const res = await call(fx.app, 'POST', '/v1/sys/init', { raw: '', headers: { 'content-type': 'application/json' } });
    expect(res.body).toEqual({ errors: ['Vault is already initialized'] });
  });

  it('a body of the full 1 MiB string length, with a token', async () => {
    const res = await call(fx.app, 'POST', '/v1/secret/data/odd', { token: root, raw: sized(1_048_576 + 17) });
    expect(res.status).toBe(200);
  });

  it('a form body is data', async () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await call(fx.app, 'POST', '/v1/cubbyhole/form', { token: root, raw: 'a=1&b=x%20y&a=2', headers })).status).toBe(204);
    expect((await call(fx.app, 'GET', '/v1/cubbyhole/form', { token: root })).body.data).toEqual({ a: '2', b: 'x y' });
  });

  it('Authorization: Bearer works as a token', async () => {
    const res = await call(fx.app, 'GET', '/v1/secret/data/existing', { headers: { authorization: `Bearer ${root}` } });
    expect(res.status).toBe(200);
  });
});

/*
 * Requests refused before any route runs: Node's parser (unknown method, bad head,
 * oversized headers) and fastify's router (a bad URL escape). Found by the T11 fuzzer:
 * they used to leave in fastify's own shape, without Cache-Control.
 */
describe('requests refused before routing, over a real socket', () => {
  let srv: Listener;
  beforeAll(async () => {
    srv = await listen(fx.app, '127.0.0.1', 0);
  });
  afterAll(() => srv.stop());

  it.each([
    ['an unknown method', 'FOO /v1/sys/health HTTP/1.1', [], 400, 'malformed HTTP request (HPE_INVALID_METHOD)'],
    ['raw unicode in the path', '/v1/secret/data/\xc3\xa9', [], 400, 'malformed HTTP request (HPE_INVALID_URL)'],
    ['a bad header name', 'GET /v1/sys/health HTTP/1.1', ['Bad Name: x'], 400, 'malformed HTTP request (HPE_INVALID_HEADER_TOKEN)'],
    ['headers over 16 KiB', 'GET /v1/sys/health HTTP/1.1', [`X-Big: ${'x'.repeat(20_000)}`], 431, 'request header fields too large'],
    ['a bad URL escape', 'GET /v1/secret/data/%zz HTTP/1.1', [], 400, "'/v1/secret/data/%zz' is not a valid url component"],
  ])("%s → %i in Vault's shape", async (_name, line, extra, status, message) => {
    const requestLine = line.startsWith('/') ? `GET ${line} HTTP/1.1` : line;
    const head = [requestLine, 'Host: 127.0.0.1', 'Connection: close', ...(extra as string[])].join('\r\n');
    const out = await sendRaw(srv.host, srv.port, Buffer.from(`${head}\r\n\r\n`, 'latin1'), 10_000);
    if (out.kind !== 'response') throw new Error(`no response: ${out.kind}`);
    expect(out.response.status).toBe(status);
    expect(out.response.headers['content-type']).toBe('application/json');
    expect(out.response.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(out.response.body.toString('utf8'))).toEqual({ errors: [message] });
  });
});
