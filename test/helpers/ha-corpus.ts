/**
 * T13's request corpus: requests whose answer must not depend on which node a client
 * asked. Reads run after a fixed setup, so two identical calls give identical bodies;
 * writes go to paths of their own per caller (`{via}`) on mounts no read in the corpus
 * lists, and fields a fresh write makes new (times, token ids) are masked, so what is
 * compared is the write's shape. Raw sys handlers (health, leader, seal-status) are left
 * out: they describe the node answering and are never forwarded, in Vault as here.
 */

/** Values a corpus entry may refer to, known once the setup ran. */
export interface CorpusContext {
  limitedToken: string;
  limitedAccessor: string;
}

/** Who sends the request. */
export type CorpusCaller = 'root' | 'limited' | 'none' | 'bogus';

/** One request of the corpus. */
export interface CorpusEntry {
  name: string;
  method: string;
  /** Path and query; `{via}` becomes the name of the node asked (active, node2, ...). */
  url: string;
  caller?: CorpusCaller;
  body?: (ctx: CorpusContext) => unknown;
  /** A raw body sent as is (malformed on purpose). */
  raw?: string;
  headers?: Record<string, string>;
  /** Dotted paths into the JSON body whose values differ between two identical calls. */
  mask?: string[];
}

const policy = (path: string, caps: string[]) => `path "${path}" { capabilities = [${caps.map((c) => `"${c}"`).join(', ')}] }`;

/** The fixed state every read of the corpus sees (run on the active before the corpus). */
export const CORPUS_SETUP: { method: string; url: string; body?: unknown }[] = [
  { method: 'POST', url: '/v1/sys/mounts/kv1', body: { type: 'kv', options: { version: '1' } } },
  { method: 'POST', url: '/v1/sys/mounts/scratch', body: { type: 'kv', options: { version: '2' } } },
  { method: 'POST', url: '/v1/sys/mounts/scratch1', body: { type: 'kv', options: { version: '1' } } },
  { method: 'POST', url: '/v1/secret/data/a', body: { data: { v: 1 } } },
  { method: 'POST', url: '/v1/secret/data/a', body: { data: { v: 2, note: 'second' } } },
  { method: 'POST', url: '/v1/secret/data/b', body: { data: { unicode: 'héllo ✓' } } },
  { method: 'POST', url: '/v1/secret/data/dir/c', body: { data: { nested: { deep: [1, 2, 3] } } } },
  { method: 'POST', url: '/v1/secret/data/gone', body: { data: { x: 1 } } },
  { method: 'DELETE', url: '/v1/secret/data/gone' },
  { method: 'POST', url: '/v1/secret/metadata/b', body: { max_versions: 4, custom_metadata: { owner: 'lab' } } },
  { method: 'PUT', url: '/v1/kv1/k', body: { plain: 'value', n: 3 } },
  { method: 'PUT', url: '/v1/kv1/dir/inner', body: { x: true } },
  { method: 'PUT', url: '/v1/sys/policies/acl/reader', body: { policy: policy('secret/data/a', ['read']) } },
  { method: 'POST', url: '/v1/auth/token/roles/r1', body: { allowed_policies: ['reader'], orphan: false } },
];

const v2Reads: CorpusEntry[] = [
  { name: 'kv2 read', method: 'GET', url: '/v1/secret/data/a' },
  { name: 'kv2 read of version 1', method: 'GET', url: '/v1/secret/data/a?version=1' },
  { name: 'kv2 read of a missing version', method: 'GET', url: '/v1/secret/data/a?version=9' },
  { name: 'kv2 read with unicode', method: 'GET', url: '/v1/secret/data/b' },
  { name: 'kv2 nested read', method: 'GET', url: '/v1/secret/data/dir/c' },
  { name: 'kv2 read of a deleted version (404 envelope)', method: 'GET', url: '/v1/secret/data/gone' },
  { name: 'kv2 read of a missing key', method: 'GET', url: '/v1/secret/data/missing' },
  { name: 'kv2 metadata', method: 'GET', url: '/v1/secret/metadata/a' },
  { name: 'kv2 metadata with custom metadata', method: 'GET', url: '/v1/secret/metadata/b' },
  { name: 'kv2 LIST', method: 'LIST', url: '/v1/secret/metadata/' },
  { name: 'kv2 LIST without the trailing slash', method: 'LIST', url: '/v1/secret/metadata' },
  { name: 'kv2 ?list=true', method: 'GET', url: '/v1/secret/metadata/?list=true' },
  { name: 'kv2 ?list=1', method: 'GET', url: '/v1/secret/metadata?list=1' },
  { name: 'kv2 LIST of a folder', method: 'LIST', url: '/v1/secret/metadata/dir/' },
  { name: 'kv2 LIST of nothing', method: 'LIST', url: '/v1/secret/metadata/nothing/' },
  { name: 'kv2 subkeys', method: 'GET', url: '/v1/secret/subkeys/dir/c' },
  { name: 'kv2 config', method: 'GET', url: '/v1/secret/config' },
  { name: 'kv2 non-data path (404 with a warning)', method: 'GET', url: '/v1/secret/a' },
  { name: 'kv2 root of data/ (404 with a warning)', method: 'GET', url: '/v1/secret/data/' },
];

const v1Reads: CorpusEntry[] = [
  { name: 'kv1 read', method: 'GET', url: '/v1/kv1/k' },
  { name: 'kv1 nested read', method: 'GET', url: '/v1/kv1/dir/inner' },
  { name: 'kv1 LIST', method: 'LIST', url: '/v1/kv1/' },
  { name: 'kv1 ?list=true', method: 'GET', url: '/v1/kv1?list=true' },
  { name: 'kv1 LIST of a folder', method: 'LIST', url: '/v1/kv1/dir' },
  { name: 'kv1 read of a missing key', method: 'GET', url: '/v1/kv1/missing' },
];

const sysReads: CorpusEntry[] = [
  { name: 'sys/mounts', method: 'GET', url: '/v1/sys/mounts' },
  { name: 'sys/mounts of one mount', method: 'GET', url: '/v1/sys/mounts/secret/tune' },
  { name: 'sys/auth', method: 'GET', url: '/v1/sys/auth' },
  { name: 'sys/policy (list)', method: 'GET', url: '/v1/sys/policy' },
  { name: 'sys/policy/reader', method: 'GET', url: '/v1/sys/policy/reader' },
  { name: 'sys/policies/acl LIST', method: 'LIST', url: '/v1/sys/policies/acl' },
  { name: 'sys/policies/acl ?list=true', method: 'GET', url: '/v1/sys/policies/acl?list=true' },
  { name: 'sys/policies/acl/reader', method: 'GET', url: '/v1/sys/policies/acl/reader' },
  { name: 'sys/policies/acl of a missing policy', method: 'GET', url: '/v1/sys/policies/acl/missing' },
  {
    name: 'sys/capabilities-self',
    method: 'POST',
    url: '/v1/sys/capabilities-self',
    body: () => ({ paths: ['secret/data/a', 'sys/mounts'] }),
  },
  {
    name: 'sys/capabilities-self of a limited token',
    method: 'POST',
    url: '/v1/sys/capabilities-self',
    caller: 'limited',
    body: () => ({ paths: ['secret/data/a'] }),
  },
];

const tokenReads: CorpusEntry[] = [
  { name: 'token lookup-self (root)', method: 'GET', url: '/v1/auth/token/lookup-self' },
  {
    name: 'token lookup of another token',
    method: 'POST',
    url: '/v1/auth/token/lookup',
    body: (c) => ({ token: c.limitedToken }),
    mask: ['data.ttl'],
  },
  {
    name: 'token lookup-accessor',
    method: 'POST',
    url: '/v1/auth/token/lookup-accessor',
    body: (c) => ({ accessor: c.limitedAccessor }),
    mask: ['data.ttl'],
  },
  { name: 'token lookup-self (limited)', method: 'GET', url: '/v1/auth/token/lookup-self', caller: 'limited', mask: ['data.ttl'] },
  { name: 'token accessors LIST', method: 'LIST', url: '/v1/auth/token/accessors' },
  { name: 'token roles ?list=true', method: 'GET', url: '/v1/auth/token/roles?list=true' },
  { name: 'token role read', method: 'GET', url: '/v1/auth/token/roles/r1' },
];

const refusals: CorpusEntry[] = [
  { name: 'malformed JSON', method: 'POST', url: '/v1/scratch/data/x', raw: '{"data": {' },
  { name: 'JSON array body', method: 'POST', url: '/v1/scratch/data/x', raw: '[1,2]' },
  { name: 'kv2 write without data', method: 'POST', url: '/v1/scratch/data/x', body: () => ({ nodata: 1 }) },
  { name: 'kv2 cas mismatch', method: 'POST', url: '/v1/secret/data/a', body: () => ({ options: { cas: 1 }, data: { v: 3 } }) },
  {
    name: 'PATCH without merge-patch type',
    method: 'PATCH',
    url: '/v1/secret/data/a',
    body: () => ({ data: { v: 3 } }),
    headers: { 'content-type': 'application/json' },
  },
  { name: 'unparsable list flag', method: 'GET', url: '/v1/secret/metadata/?list=yes' },
  { name: 'bad version', method: 'GET', url: '/v1/secret/data/a?version=abc' },
  { name: 'write to a folder', method: 'POST', url: '/v1/scratch/data/dir/', body: () => ({ data: { a: 1 } }) },
  { name: 'encoded traversal', method: 'GET', url: '/v1/secret/data/%2e%2e/%2e%2e/sys/mounts' },
  { name: 'mount without a type', method: 'POST', url: '/v1/sys/mounts/new', body: () => ({}) },
  { name: 'unparsable policy', method: 'PUT', url: '/v1/sys/policies/acl/bad', body: () => ({ policy: 'path "x" {' }) },
  { name: 'token create with a bad ttl', method: 'POST', url: '/v1/auth/token/create', body: () => ({ ttl: 'forever' }) },
  { name: 'unknown mount (404)', method: 'GET', url: '/v1/nope/thing' },
  { name: 'unknown sys path (404)', method: 'GET', url: '/v1/sys/nothing-here' },
  { name: 'no token (403)', method: 'GET', url: '/v1/secret/data/a', caller: 'none' },
  { name: 'bogus token (403)', method: 'GET', url: '/v1/secret/data/a', caller: 'bogus' },
  { name: 'limited token reads what it may', method: 'GET', url: '/v1/secret/data/a', caller: 'limited' },
  { name: 'limited token on another key (403)', method: 'GET', url: '/v1/secret/data/b', caller: 'limited' },
  { name: 'limited token mounts (403)', method: 'POST', url: '/v1/sys/mounts/x', caller: 'limited', body: () => ({ type: 'kv' }) },
  { name: 'limited token LIST policies (403)', method: 'LIST', url: '/v1/sys/policies/acl', caller: 'limited' },
];

const writes: CorpusEntry[] = [
  { name: 'kv2 write', method: 'POST', url: '/v1/scratch/data/w-{via}', body: () => ({ data: { a: 1 } }), mask: ['data.created_time'] },
  {
    name: 'kv2 write with cas 0',
    method: 'PUT',
    url: '/v1/scratch/data/cas-{via}',
    body: () => ({ options: { cas: 0 }, data: { a: 1 } }),
    mask: ['data.created_time'],
  },
  { name: 'kv2 metadata write', method: 'POST', url: '/v1/scratch/metadata/m-{via}', body: () => ({ max_versions: 3 }) },
  { name: 'kv2 delete', method: 'DELETE', url: '/v1/scratch/data/w-{via}' },
  { name: 'kv1 write', method: 'PUT', url: '/v1/scratch1/w-{via}', body: () => ({ a: 1 }) },
  { name: 'kv1 delete', method: 'DELETE', url: '/v1/scratch1/w-{via}' },
  { name: 'policy write', method: 'PUT', url: '/v1/sys/policies/acl/p-{via}', body: () => ({ policy: policy('scratch/*', ['read']) }) },
  {
    name: 'token create',
    method: 'POST',
    url: '/v1/auth/token/create',
    body: () => ({ policies: ['reader'], ttl: '1h' }),
    mask: ['auth.client_token', 'auth.accessor'],
  },
];

/** The whole corpus. */
export const CORPUS: CorpusEntry[] = [...v2Reads, ...v1Reads, ...sysReads, ...tokenReads, ...refusals, ...writes];

/** Replaces the values at dotted paths with a marker (absent paths stay absent). */
export function maskPaths(body: unknown, paths: string[] = []): unknown {
  if (body === null || typeof body !== 'object') return body;
  const copy = structuredClone(body) as Record<string, unknown>;
  delete copy.request_id;
  for (const p of paths) {
    const keys = p.split('.');
    let at: Record<string, unknown> | undefined = copy;
    for (const k of keys.slice(0, -1)) at = (at?.[k] ?? undefined) as Record<string, unknown> | undefined;
    const last = keys[keys.length - 1];
    if (at && typeof at === 'object' && last in at) at[last] = '<masked>';
  }
  return copy;
}
