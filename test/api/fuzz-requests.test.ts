/**
 * T11, fuzzed half: 1,000 requests drawn by fast-check from a fixed seed, sent as raw
 * bytes to an initialized, unsealed node over its real listener (so the LIST shim and
 * Node's HTTP parser see them too). Each must be answered, never with a 5xx, in Vault's
 * shape; and the whole batch must change nothing the node shares: storage (outside the
 * fuzz mounts), the node's state, its unseal progress and its token count.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listener } from '../../src/api/index.ts';
import { fuzzRequestArb, requestBytes, type Caller, type FuzzRequest } from '../helpers/fuzz-requests.ts';
import { call, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';
import { sendRaw, type RawOutcome } from '../helpers/raw-http.ts';
import { dumpBackend } from '../helpers/storage-dump.ts';

const SEED = 0x7111;
const RUNS = 1000;
/** A watchdog, not a latency bound: only a request that is never answered trips it. */
const WATCHDOG_MS = 10_000;

let fx: NodeFixture;
let srv: Listener;
let root: string;
const tokens: Record<Caller, string | undefined> = {
  none: undefined,
  bogus: 'hvs.bogusbogusbogusbogusbogu',
  unprivileged: '',
  'fuzz-writer': '',
};
/** Storage prefixes of the two fuzz mounts, left out of the digest (see below). */
let excluded: string[] = [];

/*
 * Who may change what. The callers are: no token, a bogus token, an "unprivileged"
 * token whose only policy denies one unrelated path (no default policy, so not even
 * cubbyhole or revoke-self), and a "fuzz-writer" whose policy allows everything on two
 * KV mounts of its own (fuzz/ v2, fuzz1/ v1). The writer is there so fuzzed bodies reach
 * the engines' own validation, not only the token check; its mounts' storage is left
 * out of the digest, so any write that escapes them (traversal, a token, a policy, the
 * mount table) still shows up. Root is never used by the fuzzer.
 */
beforeAll(async () => {
  fx = await makeNode();
  const init = await fx.node.init({ secretShares: 3, secretThreshold: 2, devKvVersion: 2 });
  for (const k of [0, 1]) await fx.node.unseal({ key: init.keys[k] });
  root = init.rootToken;
  const asRoot = (method: string, url: string, body?: unknown) => call(fx.app, method, url, { token: root, body });
  await asRoot('POST', '/v1/secret/data/existing', { data: { a: 1 } });
  await asRoot('POST', '/v1/sys/mounts/fuzz', { type: 'kv', options: { version: '2' } });
  await asRoot('POST', '/v1/sys/mounts/fuzz1', { type: 'kv', options: { version: '1' } });
  await asRoot('PUT', '/v1/sys/policies/acl/fuzz-none', { policy: 'path "unrelated/*" { capabilities = ["deny"] }' });
  await asRoot('PUT', '/v1/sys/policies/acl/fuzz-writer', {
    policy: ['fuzz/*', 'fuzz1/*']
      .map((p) => `path "${p}" { capabilities = ["create", "read", "update", "patch", "delete", "list"] }`)
      .join('\n'),
  });
  const mint = async (policy: string) =>
    (await asRoot('POST', '/v1/auth/token/create', { policies: [policy], no_default_policy: true })).body.auth.client_token as string;
  tokens.unprivileged = await mint('fuzz-none');
  tokens['fuzz-writer'] = await mint('fuzz-writer');
  const mounts = (await asRoot('GET', '/v1/sys/mounts')).body.data;
  excluded = ['fuzz/', 'fuzz1/'].map((m) => `logical/${mounts[m].uuid}/`);
  srv = await listen(fx.app, '127.0.0.1', 0);
});
afterAll(async () => {
  await srv.close();
  fx.node.close();
  await fx.backend.close();
});

/** What must not change: storage outside the fuzz mounts, the node's state, its unseal progress, its token count. */
async function snapshot() {
  const h = createHash('sha256');
  const dump = await dumpBackend(fx.backend);
  for (const k of [...dump.keys()].sort()) {
    if (excluded.some((p) => k.startsWith(p))) continue;
    h.update(`${k}\0`).update(dump.get(k)!);
  }
  const accessors = await call(fx.app, 'GET', '/v1/auth/token/accessors?list=true', { token: root });
  return {
    digest: h.digest('hex'),
    state: fx.node.state,
    sealStatus: fx.node.sealStatus(),
    tokenCount: accessors.body.data.keys.length as number,
  };
}

const decoded = (target: string) => {
  try {
    return decodeURIComponent(target);
  } catch {
    return target;
  }
};

/** A 2xx is right only where Vault would accept the request: the writer on its own mounts, or an unauthenticated status endpoint. */
function mayAccept(r: FuzzRequest): boolean {
  const path = decoded(r.target).replace(/\?.*$/, '');
  if (r.caller === 'fuzz-writer' && /^\/v1\/+fuzz1?\//.test(path)) return true;
  return /^\/v1\/sys\/(health|seal-status|leader|init|unseal)$/.test(path);
}

/** Vault's bare 404 ({"errors":[]}) is its exact answer to a read, list or patch of nothing, and to a path outside /v1/. */
function mayBeBare404(r: FuzzRequest, status: number): boolean {
  if (status !== 404) return false;
  return !r.target.startsWith('/v1/') || ['GET', 'LIST', 'HEAD', 'PATCH'].includes(r.method);
}

/**
 * Vault's "error response with a status" (logical.RespondWithStatusCode): KV v2 answers a 404 with the
 * full envelope and a warning for a non-data path or the root of a v2 mount, and for a
 * deleted version. That is Vault's exact shape, so it stands in for {"errors":[...]}.
 */
function isStatusEnvelope(b: Record<string, unknown>, status: number): boolean {
  return status === 404 && typeof b.request_id === 'string' && b.mount_type === 'kv' && (Array.isArray(b.warnings) || b.data != null);
}

/** A pipelined follow-up must get its own right answer unless the server closed after the first. */
function followUpProblems(r: FuzzRequest, o: Extract<RawOutcome, { kind: 'response' }>): string[] {
  if (!r.pipelined || /close/i.test(o.response.headers.connection ?? '')) return [];
  const next = o.more[0];
  if (!next) return ['the pipelined follow-up got no answer'];
  const ok = next.status === 200 && (JSON.parse(next.body.toString('utf8')) as { sealed?: unknown }).sealed === false;
  return ok ? [] : [`the pipelined follow-up got ${next.status} ${next.body.toString('latin1').slice(0, 120)}`];
}

/** Every problem with one outcome, as strings (empty: the answer is right). */
function problems(r: FuzzRequest, o: RawOutcome): string[] {
  if (o.kind === 'hang') return ['no answer before the watchdog fired'];
  if (o.kind === 'no-response') return [`connection closed without a response: ${o.detail}`];
  const { status, headers, body } = o.response;
  const out: string[] = followUpProblems(r, o);
  if (status >= 500) out.push(`5xx: ${status} ${body.toString('utf8').slice(0, 300)}`);
  if (status >= 200 && status < 300 && !mayAccept(r)) out.push(`unexpected ${status}`);
  if (status < 200 || (status >= 300 && status < 400)) out.push(`unexpected ${status}`);
  if (headers['cache-control'] !== 'no-store') out.push(`cache-control ${headers['cache-control']}`);
  if (status === 204) return out; // no body, so no content type (as sendNoContent does)
  if (headers['content-type'] !== 'application/json') out.push(`content-type ${headers['content-type']}`);
  if (status < 400 || r.method === 'HEAD') return out; // a HEAD answer carries no body to check
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return [...out, `body is not JSON: ${body.toString('latin1').slice(0, 200)}`];
  }
  if (isStatusEnvelope(parsed, status)) return out;
  const errors = parsed.errors;
  const strings = Array.isArray(errors) && errors.every((e) => typeof e === 'string' && e.length > 0);
  if (!strings) out.push(`errors not a list of non-empty strings: ${JSON.stringify(errors)}`);
  else if ((errors as string[]).length === 0 && !mayBeBare404(r, status)) out.push('empty errors list');
  return out;
}

describe('T11: 1,000 fuzzed requests over a real socket', () => {
  it("are each answered in Vault's shape, never with a 5xx, and change nothing", { timeout: 120_000 }, async () => {
    const before = await snapshot();
    const counts = new Map<string, number>();
    let sent = 0;
    let followUps = 0;
    await fc.assert(
      fc.asyncProperty(fuzzRequestArb, async (r) => {
        const outcome = await sendRaw(srv.host, srv.port, requestBytes(r, tokens[r.caller]), WATCHDOG_MS, {
          responses: r.pipelined ? 2 : 1,
          head: r.method === 'HEAD',
        });
        if (sent++ < RUNS) {
          const label = outcome.kind === 'response' ? String(outcome.response.status) : outcome.kind;
          counts.set(label, (counts.get(label) ?? 0) + 1);
          if (outcome.kind === 'response' && outcome.more.length) followUps++;
        }
        const found = problems(r, outcome);
        if (found.length) throw new Error(found.join('; '));
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const summary = [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k}×${n}`)
      .join(' ');
    console.log(`T11 fuzz: ${Math.min(sent, RUNS)} requests, seed ${SEED}: ${summary}; ${followUps} pipelined LIST follow-ups answered`);
    expect(await snapshot()).toEqual(before);
  });
});
