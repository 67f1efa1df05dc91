/**
 * Audit devices over HTTP: what a file device writes (HMAC'd values, one request and one
 * response entry per request with one id, raw values only where log_raw asks), the request
 * refused when no device can write its entry, the sys/audit endpoints' exact bodies and
 * errors (each leaving storage as it was), sudo, and the table surviving a restart.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, makeNode, removeDir, type NodeFixture } from '../helpers/node-fixture.ts';
import { expectErrors, expectNoContent, kvNode, type KvNode } from '../node/logical/engines/kv-fixture.ts';

const PLANTED = 's3cr3t-planted-value';
const AUDIT_FAILED = '1 error occurred:\n\t* internal error\n\n';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vaultlab-audit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The JSON lines of an audit file. */
function entries(file: string): any[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

async function hashOf(n: KvNode, device: string, input: string): Promise<string> {
  const r = await n.req('POST', `/v1/sys/audit-hash/${device}`, { input });
  expect(r.status).toBe(200);
  return r.body.hash;
}

describe('what a file device writes', () => {
  let n: KvNode;
  let hashedLog: string;
  let rawLog: string;
  beforeAll(async () => {
    n = await kvNode(2);
    hashedLog = join(dir, 'hashed.log');
    rawLog = join(dir, 'raw.log');
    expectNoContent(await n.req('PUT', '/v1/sys/audit/file', { type: 'file', options: { file_path: hashedLog } }));
    expectNoContent(await n.req('PUT', '/v1/sys/audit/raw', { type: 'file', options: { file_path: rawLog, log_raw: 'true' } }));
    const put = await n.req('POST', '/v1/secret/data/app', { data: { password: PLANTED } });
    expect(put.status).toBe(200);
    const get = await n.req('GET', '/v1/secret/data/app');
    expect(get.body.data.data).toEqual({ password: PLANTED });
  });
  afterAll(() => n.close());

  it('never holds the planted value nor the root token, but holds their HMACs', async () => {
    const text = readFileSync(hashedLog, 'utf8');
    expect(text).not.toContain(PLANTED);
    expect(text).not.toContain(n.root);
    expect(text).toContain(await hashOf(n, 'file', PLANTED));
    expect(text).toContain(await hashOf(n, 'file', n.root));
    expect(await hashOf(n, 'file', PLANTED)).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
  });

  it('writes the raw value only to the log_raw device, whose salt differs', async () => {
    const raw = readFileSync(rawLog, 'utf8');
    expect(raw).toContain(PLANTED);
    expect(raw).toContain(n.root);
    expect(await hashOf(n, 'raw', PLANTED)).not.toBe(await hashOf(n, 'file', PLANTED));
  });

  it('writes a request entry before and a response entry after each request, with one id, the envelope id', async () => {
    const r = await n.req('GET', '/v1/secret/data/app');
    const log = entries(hashedLog).filter((e) => e.request?.id === r.body.request_id);
    expect(log.map((e) => e.type)).toEqual(['request', 'response']);
    const h = (v: string) => hashOf(n, 'file', v);
    const rootAccessor = (await n.req('GET', '/v1/auth/token/lookup-self')).body.data.accessor;
    const auth = {
      accessor: await h(rootAccessor),
      client_token: await h(n.root),
      display_name: 'root',
      policies: ['root'],
      policy_results: { allowed: true },
      token_policies: ['root'],
      token_issue_time: '2026-01-01T12:00:00Z',
      token_type: 'service',
    };
    const request = {
      client_token: await h(n.root),
      client_token_accessor: await h(rootAccessor),
      id: r.body.request_id,
      mount_accessor: expect.stringMatching(/^kv_[0-9a-f]{8}$/),
      mount_class: 'secret',
      mount_point: 'secret/',
      mount_type: 'kv',
      namespace: { id: 'root' },
      operation: 'read',
      path: 'secret/data/app',
      remote_address: '127.0.0.1',
    };
    expect(log[0]).toEqual({ time: '2026-01-01T12:00:00Z', auth, request, type: 'request' });
    expect(Object.keys(log[1])).toEqual(['time', 'auth', 'request', 'response', 'type']);
    expect(log[1].response.data.data).toEqual({ password: await h(PLANTED) });
    expect(log[1].response.data.metadata.version).toBe(1);
    expect(log[1].response.mount_type).toBe('kv');
  });

  it('pairs every request entry with one response entry', () => {
    const log = entries(hashedLog).filter((e) => e.request.path !== 'sys/audit/test');
    const ids = (type: string) => log.filter((e) => e.type === type).map((e) => e.request.id);
    expect(ids('request').length).toBeGreaterThan(3);
    expect(ids('response')).toEqual(ids('request'));
    expect(new Set(ids('request')).size).toBe(ids('request').length);
  });

  it('starts with Vault test line, and audits a refused request with its error', async () => {
    expect(entries(join(dir, 'hashed.log'))[0]).toEqual({
      time: '2026-01-01T12:00:00Z',
      request: { id: expect.any(String), operation: 'update', path: 'sys/audit/test' },
      type: 'request',
    });
    const bad = await n.req('GET', '/v1/secret/data/app', undefined, { token: 'hvs.not-a-token' });
    expectErrors(bad, 403, ['permission denied']);
    const last = entries(hashedLog).slice(-2);
    expect(last.map((e) => [e.type, e.error, e.auth])).toEqual([
      ['request', 'permission denied', { client_token: await hashOf(n, 'file', 'hvs.not-a-token') }],
      ['response', 'permission denied', { client_token: await hashOf(n, 'file', 'hvs.not-a-token') }],
    ]);
    expect(readFileSync(hashedLog, 'utf8')).not.toContain('hvs.not-a-token');
  });
});

describe('options and what is not audited', () => {
  let n: KvNode;
  afterEach(() => n.close());

  it('hashes a created token in the response, leaves accessors raw with hmac_accessor=false, and writes the prefix', async () => {
    n = await kvNode(2);
    const file = join(dir, 'options.log');
    const options = { file_path: file, hmac_accessor: 'false', prefix: 'AUDIT: ' };
    expectNoContent(await n.req('PUT', '/v1/sys/audit/opts', { type: 'file', options }));
    const created = (await n.req('POST', '/v1/auth/token/create', { policies: ['default'] })).body.auth;
    const text = readFileSync(file, 'utf8');
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .every((l) => l.startsWith('AUDIT: {')),
    ).toBe(true);
    expect(text).not.toContain(created.client_token);
    expect(text).not.toContain(n.root);
    const response = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l.slice('AUDIT: '.length)))
      .find((e) => e.type === 'response' && e.request.path === 'auth/token/create');
    expect(response.response.auth).toEqual({
      accessor: created.accessor,
      client_token: await hashOf(n, 'opts', created.client_token),
      policies: ['default'],
      token_policies: ['default'],
      token_ttl: 2764800,
      token_type: 'service',
    });
  });

  it('does not audit the raw sys endpoints (health, seal-status, leader)', async () => {
    n = await kvNode(2);
    const file = join(dir, 'raw-endpoints.log');
    expectNoContent(await n.req('PUT', '/v1/sys/audit/file', { type: 'file', options: { file_path: file } }));
    const before = readFileSync(file, 'utf8');
    for (const path of ['/v1/sys/health', '/v1/sys/seal-status', '/v1/sys/leader']) expect((await n.req('GET', path)).status).toBe(200);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('a device that cannot write', () => {
  let n: KvNode;
  afterEach(() => n.close());

  it('fails the request with 500 and serves nothing when no device writes the entry', async () => {
    n = await kvNode(2);
    const file = join(dir, 'gone.log');
    expectNoContent(await n.req('PUT', '/v1/sys/audit/file', { type: 'file', options: { file_path: file } }));
    rmSync(file);
    mkdirSync(file);
    const before = await n.digest();
    expectErrors(await n.req('POST', '/v1/secret/data/app', { data: { password: PLANTED } }), 500, [AUDIT_FAILED]);
    expect(await n.digest()).toBe(before);
    rmSync(file, { recursive: true });
    expect((await n.req('GET', '/v1/secret/data/app')).status).toBe(404);
  });

  it('serves the request while one device of two still writes', async () => {
    n = await kvNode(2);
    const broken = join(dir, 'broken.log');
    const good = join(dir, 'good.log');
    expectNoContent(await n.req('PUT', '/v1/sys/audit/a', { type: 'file', options: { file_path: broken } }));
    expectNoContent(await n.req('PUT', '/v1/sys/audit/b', { type: 'file', options: { file_path: good } }));
    rmSync(broken);
    mkdirSync(broken);
    expect((await n.req('POST', '/v1/secret/data/app', { data: { password: 'x' } })).status).toBe(200);
    expect(entries(good).some((e) => e.request.path === 'secret/data/app' && e.type === 'response')).toBe(true);
  });
});
