/**
 * `tree`, `export` and `import` against real dev servers: the tree of a planted KV v1 and v2
 * hierarchy (and with a folder the token may not list), an export imported into a second lab
 * and read back, and malformed files refused with their message and nothing written.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/lab/index.ts';
import { runCli } from '../helpers/run-cli.ts';

const BIN = fileURLToPath(new URL('../../bin/vaultlab.js', import.meta.url));

let source: DevServer;
let target: DevServer;
let dir: string;

/** One API call as root; a failure fails the test's setup. */
async function api(dev: DevServer, method: string, path: string, body?: unknown, token = 'root'): Promise<any> {
  const res = await fetch(`${dev.apiAddr}/v1/${path}`, {
    method,
    headers: { 'x-vault-token': token },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** The CLI against a server, as root unless a token is given. */
function cli(dev: DevServer, args: string[], token = 'root') {
  return runCli(args, { VAULT_ADDR: dev.apiAddr, VAULT_TOKEN: token });
}

/** The CLI with `input` on its stdin (runCli gives its child none). */
function cliWithStdin(dev: DevServer, args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, VAULTLAB_QUIET_ADDR: '1', NO_COLOR: '1', VAULT_ADDR: dev.apiAddr, VAULT_TOKEN: 'root' };
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

/** A lab with the dev server's KV v2 secret/ and a KV v1 mount at kv1/. */
async function lab(): Promise<DevServer> {
  const dev = await startDevServer({ listenAddress: '127.0.0.1:0', rootTokenId: 'root' });
  await api(dev, 'POST', 'sys/mounts/kv1', { type: 'kv', options: { version: '1' } });
  return dev;
}

const planted = {
  'kv1/a': { n: '1' },
  'kv1/team/x': { nested: { deep: [1, true, null] } },
  'secret/app/db': { password: 'hunter2', port: 5432 },
  'secret/app/private/key': { k: 'v' },
  'secret/app/web': { url: 'http://127.0.0.1' },
  'secret/top': { t: 'top' },
};

beforeAll(async () => {
  [source, target] = await Promise.all([lab(), lab()]);
  dir = await mkdtemp(join(tmpdir(), 'vaultlab-safe-'));
  for (const [path, data] of Object.entries(planted)) {
    if (path.startsWith('kv1/')) await api(source, 'PUT', path, data);
    else await api(source, 'PUT', path.replace(/^secret\//, 'secret/data/'), { data });
  }
  // A secret whose latest version is deleted: listed by tree, left out of an export.
  await api(source, 'PUT', 'secret/data/gone', { data: { old: 'x' } });
  await api(source, 'DELETE', 'secret/data/gone');
  await api(source, 'PUT', 'secret/data/burnt', { data: { old: 'y' } });
  await api(source, 'PUT', 'secret/destroy/burnt', { versions: [1] });
});
afterAll(async () => {
  await Promise.all([source?.close(), target?.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('vaultlab tree', () => {
  it('draws every KV mount, v1 and v2, sorted, with folders ending in "/"', async () => {
    const r = await cli(source, ['tree']);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'kv1/',
        '├── a',
        '└── team/',
        '    └── x',
        'secret/',
        '├── app/',
        '│   ├── db',
        '│   ├── private/',
        '│   │   └── key',
        '│   └── web',
        '├── burnt',
        '├── gone',
        '└── top',
        '',
        '3 folders, 8 secrets',
        '',
      ].join('\n'),
    });
  });

  it('draws one folder given as PATH', async () => {
    const r = await cli(source, ['tree', 'secret/app']);
    expect(r.stdout).toBe('secret/app/\n├── db\n├── private/\n│   └── key\n└── web\n\n1 folder, 3 secrets\n');
  });

  it('marks a folder, or a whole mount, the token may not list, and goes on; export refuses instead', async () => {
    const policy = [
      'path "secret/metadata/*" { capabilities = ["list"] }',
      'path "secret/metadata/app/private/*" { capabilities = ["deny"] }',
      // kv1/ is visible to this token (it may read one secret there) but not listable.
      'path "kv1/a" { capabilities = ["read"] }',
    ].join('\n');
    await api(source, 'PUT', 'sys/policies/acl/lister', { policy });
    const token = (await api(source, 'POST', 'auth/token/create', { policies: ['lister'] })).auth.client_token;
    const r = await cli(source, ['tree'], token);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'kv1/ (permission denied)\nsecret/\n├── app/\n│   ├── db\n│   ├── private/ (permission denied)\n│   └── web\n├── burnt\n├── gone\n└── top\n\n2 folders, 5 secrets\n',
    });
    // An export that would silently miss a folder is no backup: it fails with Vault's 403, and prints no document.
    const exported = await cli(source, ['export', 'secret/'], token);
    expect(exported).toEqual({
      code: 2,
      stdout: '',
      stderr: `Error making API request.\n\nURL: GET ${source.apiAddr}/v1/secret/metadata/app/private/?list=true\nCode: 403. Errors:\n\n* 1 error occurred:\n\t* permission denied\n\n\n`,
    });
  });

  it('refuses a PATH outside any KV mount with the preflight error', async () => {
    const r = await cli(source, ['tree', 'sys/']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'Error: "sys/" is a "system" mount, not a KV secrets engine\n' });
  });
});

/** What the target holds: its export's secrets. */
async function targetSecrets(): Promise<unknown> {
  const r = await cli(target, ['export']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).secrets;
}

describe('vaultlab import refuses a malformed file and writes nothing', () => {
  const v2 = { 'secret/': { type: 'kv', version: '2' } };
  const ok = { 'secret/first': { a: '1' } };
  const badJson = '{"vaultlab_export": 1, "mounts": {';
  const jsonError = (() => {
    try {
      JSON.parse(badJson);
    } catch (e) {
      return (e as Error).message;
    }
  })();
  const cases: Array<[string, string, string]> = [
    ['bad JSON', badJson, `the file is not valid JSON: ${jsonError}`],
    ['not an export', '[1, 2]', 'the file is not a vaultlab export: it has no "vaultlab_export" version'],
    [
      'a wrong version',
      JSON.stringify({ vaultlab_export: 2, mounts: v2, secrets: ok }),
      'unsupported export format version 2 (this vaultlab reads version 1)',
    ],
    [
      'an unknown field',
      JSON.stringify({ vaultlab_export: 1, mounts: v2, secrets: ok, extra: 1 }),
      'unknown field "extra" at the top level',
    ],
    [
      'a bad mount',
      JSON.stringify({ vaultlab_export: 1, mounts: { 'secret/': { type: 'kv', version: 3 } }, secrets: ok }),
      'mount "secret/" must be {"type": "kv", "version": "1" or "2"}',
    ],
    [
      'a path outside every mount',
      JSON.stringify({ vaultlab_export: 1, mounts: v2, secrets: { ...ok, 'other/x': { a: '1' } } }),
      'secret "other/x" is not inside any mount the file lists',
    ],
    [
      'a non-object value',
      JSON.stringify({ vaultlab_export: 1, mounts: v2, secrets: { ...ok, 'secret/bad': ['x'] } }),
      'secret "secret/bad" must be an object of fields, not an array',
    ],
    [
      'a folder path',
      JSON.stringify({ vaultlab_export: 1, mounts: v2, secrets: { ...ok, 'secret/dir/': { a: '1' } } }),
      'secret "secret/dir/" names a folder, not a secret',
    ],
    [
      'a mount the target lacks',
      JSON.stringify({
        vaultlab_export: 1,
        mounts: { ...v2, 'nope/': { type: 'kv', version: '2' } },
        secrets: { ...ok, 'nope/x': { a: '1' } },
      }),
      'mount "nope/" does not exist in the target lab (or the token cannot see it)',
    ],
    [
      'a mount of another KV version',
      JSON.stringify({
        vaultlab_export: 1,
        mounts: { ...v2, 'kv1/': { type: 'kv', version: '2' } },
        secrets: { ...ok, 'kv1/x': { a: '1' } },
      }),
      'mount "kv1/" is KV v1 in the target lab, but KV v2 in the file',
    ],
  ];

  it.each(cases)('%s', async (name, text, problem) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.json`);
    await writeFile(file, text);
    const r = await cli(target, ['import', file]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `Error: import refused, nothing was written: ${problem}\n` });
    expect(await targetSecrets()).toEqual({});
  });
});

describe('vaultlab export, then import into a second lab', () => {
  it('exports the latest data of every secret, leaving out a deleted latest version', async () => {
    const r = await cli(source, ['export']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('Exported 6 secrets from 2 mounts.\n');
    expect(JSON.parse(r.stdout)).toEqual({
      vaultlab_export: 1,
      mounts: { 'kv1/': { type: 'kv', version: '1' }, 'secret/': { type: 'kv', version: '2' } },
      secrets: planted,
    });
    expect(Object.keys(JSON.parse(r.stdout).secrets)).toEqual(Object.keys(planted));
  });

  it('exports one folder given as PATH', async () => {
    const r = await cli(source, ['export', 'kv1/team']);
    expect(JSON.parse(r.stdout)).toEqual({
      vaultlab_export: 1,
      mounts: { 'kv1/': { type: 'kv', version: '1' } },
      secrets: { 'kv1/team/x': planted['kv1/team/x'] },
    });
  });

  it('a dry run names what it would write and writes nothing; the import then writes it all back', async () => {
    const file = join(dir, 'export.json');
    await writeFile(file, (await cli(source, ['export'])).stdout);
    const dry = await cli(target, ['import', '-dry-run', file]);
    expect(dry).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'Would write: kv1/a',
        'Would write: kv1/team/x',
        'Would write: secret/data/app/db',
        'Would write: secret/data/app/private/key',
        'Would write: secret/data/app/web',
        'Would write: secret/data/top',
        'Dry run: would import 6 secrets into 2 mounts; nothing was written.',
        '',
      ].join('\n'),
    });
    expect(await targetSecrets()).toEqual({});
    expect(await cli(target, ['import', file])).toEqual({ code: 0, stderr: '', stdout: 'Success! Imported 6 secrets into 2 mounts.\n' });
    expect(await targetSecrets()).toEqual(planted);
    const db = await cli(target, ['kv', 'get', '-field=password', 'secret/app/db']);
    expect(db.stdout).toBe('hunter2');
  });

  it('reads the file from stdin, and overwrites what the target holds at the same paths', async () => {
    const text = JSON.stringify({ vaultlab_export: 1, mounts: { 'kv1/': { type: 'kv', version: '1' } }, secrets: { 'kv1/a': { n: '2' } } });
    const r = await cliWithStdin(target, ['import'], text);
    expect(r).toEqual({ code: 0, stderr: '', stdout: 'Success! Imported 1 secret into 1 mount.\n' });
    expect((await cli(target, ['export', 'kv1/'])).stdout).toContain('"n": "2"');
  });

  it('describes the export format in the help of export and import', async () => {
    for (const verb of ['export', 'import']) {
      const r = await runCli([verb, '--help']);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('The export file (format version 1) is one JSON object:\n  {\n    "vaultlab_export": 1,');
    }
  });
});
