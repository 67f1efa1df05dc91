/**
 * sys/audit, sys/audit/:path and sys/audit-hash/:path: exact bodies, every refused enable
 * in Vault's words with storage and the table unchanged, sudo on the root-protected paths,
 * and the table and salts surviving a restart on level storage.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, makeNode, removeDir } from '../helpers/node-fixture.ts';
import { expectErrors, expectNoContent, kvNode, type KvNode } from '../node/logical/engines/kv-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'vaultlab-audit-'));
const file = join(dir, 'audit.log');
let n: KvNode;
beforeAll(async () => {
  n = await kvNode(2);
});
afterAll(async () => {
  await n.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The list's body, request id aside. */
async function listBody(token = n.root): Promise<unknown> {
  const r = await n.req('GET', '/v1/sys/audit', undefined, { token });
  expect(r.status).toBe(200);
  return { ...r.body, request_id: 'id' };
}

const envelope = (data: Record<string, unknown>) => ({
  request_id: 'id',
  lease_id: '',
  renewable: false,
  lease_duration: 0,
  data,
  wrap_info: null,
  warnings: null,
  auth: null,
  mount_type: 'system',
  ...data,
});

describe('enable, list, disable', () => {
  it('lists nothing before any device is enabled', async () => {
    expect(await listBody()).toEqual(envelope({}));
  });

  it('enables a file device, lists it (also at the top level) and disables it', async () => {
    expectNoContent(
      await n.req('PUT', '/v1/sys/audit/main', {
        type: 'file',
        description: 'the main log',
        options: { file_path: file, log_raw: 'false' },
      }),
    );
    const main = { type: 'file', description: 'the main log', options: { file_path: file, log_raw: 'false' }, local: false, path: 'main/' };
    expect(await listBody()).toEqual(envelope({ 'main/': main }));
    expectNoContent(await n.req('DELETE', '/v1/sys/audit/main'));
    expect(await listBody()).toEqual(envelope({}));
    expectNoContent(await n.req('DELETE', '/v1/sys/audit/never-enabled'));
  });

  it('hashes with a device salt, and refuses an empty input or an unknown device', async () => {
    expectNoContent(await n.req('PUT', '/v1/sys/audit/file', { type: 'file', options: { file_path: file } }));
    const r = await n.req('POST', '/v1/sys/audit-hash/file', { input: 'abc' });
    expect({ status: r.status, hash: r.body.hash, data: r.body.data }).toEqual({
      status: 200,
      hash: expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/),
      data: { hash: r.body.hash },
    });
    expectErrors(await n.req('POST', '/v1/sys/audit-hash/file', {}), 400, ['the "input" parameter is empty']);
    expectErrors(await n.req('POST', '/v1/sys/audit-hash/nope', { input: 'abc' }), 400, ['unknown audit backend "nope/"']);
    expectNoContent(await n.req('DELETE', '/v1/sys/audit/file'));
  });
});

describe('refused enables change nothing', () => {
  const directory = () => {
    const d = join(dir, 'a-directory');
    mkdirSync(d, { recursive: true });
    return d;
  };
  const cases: [string, string, () => unknown, string][] = [
    ['no type', 'other', () => ({ options: { file_path: file } }), 'unknown backend type: ""'],
    ['an unknown type', 'other', () => ({ type: 'syslog' }), 'unknown backend type: "syslog"'],
    ['the same path', 'taken', () => ({ type: 'file', options: { file_path: file } }), 'path already in use'],
    ['a path under it', 'taken/sub', () => ({ type: 'file', options: { file_path: file } }), 'path already in use'],
    ['no file_path', 'other', () => ({ type: 'file' }), '"file_path" is required: invalid configuration'],
    [
      'a log_raw that is no bool',
      'other',
      () => ({ type: 'file', options: { file_path: file, log_raw: 'yes' } }),
      'unable to parse \'log_raw\': strconv.ParseBool: parsing "yes": invalid syntax: invalid configuration',
    ],
    [
      'a file that cannot be opened',
      'other',
      () => ({ type: 'file', options: { file_path: directory() } }),
      `audit backend failed test message: unable to open file for sink: open ${join(dir, 'a-directory')}: is a directory`,
    ],
  ];
  beforeAll(async () => {
    expectNoContent(await n.req('PUT', '/v1/sys/audit/taken', { type: 'file', options: { file_path: file } }));
  });
  afterAll(async () => {
    expectNoContent(await n.req('DELETE', '/v1/sys/audit/taken'));
  });

  it.each(cases)('refuses %s with 400', async (_name, path, body, error) => {
    const payload = body();
    const before = { digest: await n.digest(), list: await listBody() };
    expectErrors(await n.req('PUT', `/v1/sys/audit/${path}`, payload), 400, [error]);
    expect({ digest: await n.digest(), list: await listBody() }).toEqual(before);
  });
});

describe('sudo', () => {
  it('refuses sys/audit and sys/audit/:path to a policy without sudo, and serves one with it', async () => {
    const policy = (sudo: boolean) =>
      `path "sys/audit" { capabilities = ["read"${sudo ? ', "sudo"' : ''}] }\npath "sys/audit/*" { capabilities = ["update", "delete"${sudo ? ', "sudo"' : ''}] }\npath "sys/audit-hash/*" { capabilities = ["update"] }`;
    await n.req('PUT', '/v1/sys/policies/acl/auditor', { policy: policy(false) });
    await n.req('PUT', '/v1/sys/policies/acl/audit-admin', { policy: policy(true) });
    const auditor = (await n.req('POST', '/v1/auth/token/create', { policies: ['auditor'] })).body.auth.client_token;
    const admin = (await n.req('POST', '/v1/auth/token/create', { policies: ['audit-admin'] })).body.auth.client_token;
    const denied = ['1 error occurred:\n\t* permission denied\n\n'];
    const before = await n.digest();
    expectErrors(await n.req('GET', '/v1/sys/audit', undefined, { token: auditor }), 403, denied);
    expectErrors(await n.req('PUT', '/v1/sys/audit/x', { type: 'file', options: { file_path: file } }, { token: auditor }), 403, denied);
    expect(await n.digest()).toBe(before);
    expectNoContent(await n.req('PUT', '/v1/sys/audit/x', { type: 'file', options: { file_path: file } }, { token: admin }));
    expect(Object.keys((await listBody(admin)) as object)).toContain('x/');
    expect((await n.req('POST', '/v1/sys/audit-hash/x', { input: 'a' }, { token: auditor })).status).toBe(200);
    expectErrors(await n.req('DELETE', '/v1/sys/audit/x', undefined, { token: auditor }), 403, denied);
    expectNoContent(await n.req('DELETE', '/v1/sys/audit/x', undefined, { token: admin }));
  });
});

describe('restart on level storage', () => {
  it('loads the table and the salt again: the device writes on, hashing alike', async () => {
    const logFile = join(dir, 'restart.log');
    let fx = await makeNode({ storage: 'level' });
    try {
      const init = await fx.node.init({ secretShares: 1, secretThreshold: 1, devKvVersion: 2 });
      await fx.node.unseal({ key: init.keys[0] });
      const root = init.rootToken;
      const req = (method: string, url: string, body?: unknown) => call(fx.app, method, url, { token: root, body });
      expectNoContent(await req('PUT', '/v1/sys/audit/file', { type: 'file', options: { file_path: logFile } }));
      const hashBefore = (await req('POST', '/v1/sys/audit-hash/file', { input: 'planted' })).body.hash;
      await fx.close();
      fx = await makeNode({ storage: 'level', dir: fx.dir });
      await fx.node.unseal({ key: init.keys[0] });
      expect((await req('GET', '/v1/sys/audit')).body.data).toEqual({
        'file/': { type: 'file', description: '', options: { file_path: logFile }, local: false, path: 'file/' },
      });
      const put = await req('POST', '/v1/secret/data/after-restart', { data: { v: 'planted' } });
      expect(put.status).toBe(200);
      const text = readFileSync(logFile, 'utf8');
      expect(text).toContain('secret/data/after-restart');
      expect(text).toContain(hashBefore);
      expect(text).not.toContain('"planted"');
      expect((await req('POST', '/v1/sys/audit-hash/file', { input: 'planted' })).body.hash).toBe(hashBefore);
    } finally {
      await fx.close();
      await removeDir(fx.dir);
    }
  });
});
