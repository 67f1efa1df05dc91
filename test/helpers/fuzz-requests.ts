/**
 * fast-check arbitraries for T11's fuzzed requests: raw HTTP/1.1 requests whose method,
 * path, query, headers and body are each drawn from a mix of valid, odd and hostile
 * parts (mutated JSON, random bytes, deep nesting, huge numbers, unicode, encoded
 * traversal, LIST, unknown methods, oversized headers). Every request declares its body
 * length truthfully, so a server that stops answering is the server's fault.
 */
import fc from 'fast-check';

/** Who sends the request (see the test for why none of them may change shared state). */
export type Caller = 'none' | 'bogus' | 'unprivileged' | 'fuzz-writer';

/** One fuzzed request, kept as parts so a failure prints readably and shrinks. */
export interface FuzzRequest {
  method: string;
  /** The request target exactly as sent (latin1: raw unicode appears as its UTF-8 bytes). */
  target: string;
  caller: Caller;
  headers: [string, string][];
  body?: Buffer;
  chunked: boolean;
  /** Followed on the same connection by a plain seal-status read, which must still be answered right. */
  pipelined: boolean;
}

/**
 * The request pipelined after a fuzzed one. It is a LIST, which reaches the server only if
 * the LIST shim found where it starts: a shim that lost track of request boundaries
 * leaves it unrewritten, and Node's parser refuses it. (sys/seal-status ignores the
 * list flag and needs no token, so a healthy answer is always 200.)
 */
export const FOLLOW_UP = 'LIST /v1/sys/seal-status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';

const utf8AsLatin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

const methodArb = fc.oneof(
  { weight: 24, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'LIST') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'list', 'Get', 'TRACE', 'PROPFIND', 'MKCOL', 'PURGE', 'SEARCH', 'LOCK', 'QUERY'),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z!#$%&'*+.^_`|~-]{1,12}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 8 }).map((s) => s.replace(/[\r\n ]/g, 'X')) },
);

const mountArb = fc.constantFrom(
  'sys/',
  'sys/init',
  'sys/unseal',
  'sys/seal',
  'sys/step-down',
  'sys/health',
  'sys/seal-status',
  'sys/leader',
  'sys/mounts/',
  'sys/policy/',
  'sys/policies/acl/',
  'sys/capabilities-self',
  'secret/data/',
  'secret/metadata/',
  'auth/token/',
  'auth/token/create',
  'auth/token/lookup',
  'cubbyhole/',
  'fuzz/data/',
  'fuzz/metadata/',
  'fuzz/config',
  'fuzz/delete/',
  'fuzz/destroy/',
  'fuzz/subkeys/',
  'fuzz1/',
  'nope/',
  '',
);

const segmentArb = fc.oneof(
  { weight: 12, arbitrary: fc.stringMatching(/^[a-z0-9_-]{1,10}$/) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E%2e',
      '%2e',
      '.%2e',
      '%2f..',
      '%2F',
      '',
      '%00',
      '%',
      '%zz',
      '~',
      '%5c..',
      '..%5c',
      ';',
      '*',
      '+',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).map((s) => encodeURIComponent(s)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).map(utf8AsLatin1) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 5000 }).map((n) => 'a'.repeat(n)) },
);

const prefixArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant('/v1/') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/v1//',
      '/v1/./',
      '/v1/../v1/',
      '/v1/%2e%2e/v1/',
      '/V1/',
      '/v2/',
      '/',
      '/v1',
      'v1/',
      '*',
      'http://127.0.0.1/v1/',
      '/v1/\u00e9/',
    ),
  },
);

const queryArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '?list=true',
      '?list=1',
      '?list=yes',
      '?list=',
      '?list=true&list=false',
      '?version=abc',
      '?version=-1',
      '?version=1e309',
      '?%zz=1',
      '?&&&',
      '?list=true#frag',
      '?standbyok=maybe',
      '?activecode=99999',
      '?help=1',
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })), { maxLength: 4 })
      .map((kv) => `?${new URLSearchParams(kv).toString()}`),
  },
);

const pathArb = fc
  .tuple(prefixArb, mountArb, fc.array(segmentArb, { maxLength: 4 }), fc.boolean(), queryArb)
  .map(([prefix, mount, segs, slash, query]) => `${prefix}${mount}${segs.join('/')}${slash ? '/' : ''}${query}`);

/** Bodies: valid JSON, broken JSON, wrong types, deep nesting, huge numbers, unicode, duplicate keys, random bytes. */
const jsonishArb: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ data: v })),
  fc
    .record({
      data: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
      options: fc.option(fc.record({ cas: fc.jsonValue({ maxDepth: 1 }) }), { nil: undefined }),
    })
    .map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"data":{"a":1},"data":{"b":2}}',
    '{"key":"a","key":5}',
    '{"data":1e999999}',
    '{"versions":[1e400,-1,1.5,"2",null]}',
    '{"secret_shares":123456789012345678901234567890,"secret_threshold":3}',
    '{"secret_shares":1.5,"secret_threshold":-0}',
    '{"max_versions":-1}',
    '{"max_versions":9007199254740993}',
    '{"reset":"true"}',
    '{"reset":true}',
    '{"key":["a"]}',
    '{"key":"' + 'ab'.repeat(33) + '"}',
    '{"policy":"path \\"x\\" { capabilities = [\\"read\\"] }"}',
    '{"policy":"' + '{'.repeat(2000) + '"}',
    '{"type":"kv","options":{"version":"2"}}',
    '{"token":42}',
    '{"paths":"sys/"}',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '\ufeff{"data":{"a":1}}',
    '{"data":{"\\ud800":"\\udfff"}}',
    '{"data":{"a":"\u0000\u202e\uffff"}}',
    'a=b&c=%zz&data=1',
    'null',
    'true',
    '[]',
    '""',
    '   ',
  ),
  fc.integer({ min: 1, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => '{"data":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}'),
  fc.integer({ min: 100, max: 5000 }).map((n) => `{"data":{"n":${'9'.repeat(n)}}}`),
);

const truncatedArb = fc.tuple(jsonishArb, fc.nat()).map(([s, cut]) => s.slice(0, s.length ? cut % s.length : 0));

const bodyArb: fc.Arbitrary<Buffer | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 5, arbitrary: jsonishArb.map((s) => Buffer.from(s, 'utf8')) },
  { weight: 2, arbitrary: truncatedArb.map((s) => Buffer.from(s, 'utf8')) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 512 }).map((u) => Buffer.from(u)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }).map((s) => Buffer.from(s, 'utf8')) },
);

const contentTypeArb = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'application/merge-patch+json',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '',
  '*/*',
  'application/json; charset=ebcdic',
);

/** Odd or huge headers; some are ones Vault gives meaning to, some only stress the parser. */
const oddHeaderArb: fc.Arbitrary<[string, string]> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom<[string, string]>(
      ['X-Vault-Namespace', 'ns1/'],
      ['X-Vault-Namespace', ''],
      ['X-Vault-Wrap-TTL', 'abc'],
      ['X-Vault-Wrap-TTL', '-5s'],
      ['X-Vault-Request', 'true'],
      ['X-Vault-No-Request-Forwarding', 'true'],
      ['X-Vault-Index', '!!!'],
      ['X-Vault-Forward', 'active-node'],
      ['X-Vault-Policy-Override', 'true'],
      ['Authorization', 'Bearer '],
      ['Authorization', 'Basic Zm9vOmJhcg=='],
      ['Expect', '100-continue'],
      ['Accept-Encoding', 'gzip, br'],
      ['Connection', 'keep-alive, Upgrade'],
      ['Upgrade', 'websocket'],
      ['X-Forwarded-For', '127.0.0.1, ::1'],
      ['x-vaultlab-orig-method', 'LIST'],
      ['x-vaultlab-forwarded-from', 'node9'],
      ['Host', ''],
      ['Content-Encoding', 'gzip'],
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 70_000 }).map((n): [string, string] => ['X-Big', 'x'.repeat(n)]) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 20_000 }).map((n): [string, string] => ['X-Vault-Token', 't'.repeat(n)]) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.string({ unit: 'grapheme', maxLength: 20 }))
      .map(([k, v]): [string, string] => [k, utf8AsLatin1(v).replace(/[\r\n]/g, ' ')]),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary-ascii', minLength: 1, maxLength: 10 })
      .map((k): [string, string] => [k.replace(/[\r\n:]/g, '_'), 'v']),
  },
);

/** The arbitrary of whole requests. */
export const fuzzRequestArb: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: methodArb,
    target: pathArb,
    caller: fc.constantFrom<Caller>('none', 'bogus', 'unprivileged', 'fuzz-writer', 'fuzz-writer'),
    contentType: contentTypeArb,
    odd: fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.array(oddHeaderArb, { minLength: 1, maxLength: 2 }) },
    ),
    body: bodyArb,
    chunked: fc.boolean(),
    pipelined: fc.boolean(),
  })
  .map(({ method, target, caller, contentType, odd, body, chunked, pipelined }) => {
    const headers: [string, string][] = contentType === undefined ? [] : [['Content-Type', contentType]];
    return { method, target, caller, headers: [...headers, ...odd], body, chunked: chunked && body !== undefined, pipelined };
  });

/** The bytes of a request (and its follow-up), with the caller's token; the body's length is always declared truthfully. */
export function requestBytes(r: FuzzRequest, token: string | undefined): Buffer {
  const head: string[] = [`${r.method} ${r.target} HTTP/1.1`, 'Host: 127.0.0.1'];
  if (!r.pipelined) head.push('Connection: close');
  if (token !== undefined) head.push(`X-Vault-Token: ${token}`);
  for (const [k, v] of r.headers) head.push(`${k}: ${v}`);
  let body = r.body ?? Buffer.alloc(0);
  if (r.chunked) {
    head.push('Transfer-Encoding: chunked');
    const chunk = body.length
      ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')])
      : Buffer.alloc(0);
    body = Buffer.concat([chunk, Buffer.from('0\r\n\r\n')]);
  } else if (r.body !== undefined) head.push(`Content-Length: ${body.length}`);
  const follow = Buffer.from(r.pipelined ? FOLLOW_UP : '', 'latin1');
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body, follow]);
}
