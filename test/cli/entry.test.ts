/**
 * The CLI's entry conventions, run through bin/vaultlab.js as a user would: help and version as
 * the `vault` CLI answers them, flags quoted as typed, and the exit codes of connection errors.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/lab/index.ts';
import { VAULT_VERSION } from '../../src/node/index.ts';
import { runCli, runNode } from '../helpers/run-cli.ts';

let dev: DevServer;
let env: Record<string, string>;

beforeAll(async () => {
  dev = await startDevServer({ listenAddress: '127.0.0.1:0', rootTokenId: 'root' });
  env = { VAULT_ADDR: dev.apiAddr, VAULT_TOKEN: 'root' };
});
afterAll(() => dev.close());

describe('help and version', () => {
  it('`help` prints the program help listing every command, exit 0', async () => {
    const r = await runCli(['help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Usage: vaultlab [options] [command]');
    for (const name of ['status', 'kv', 'operator', 'up', 'drill', 'bench', 'version'])
      expect(r.stderr).toMatch(new RegExp(`\\n  ${name}\\b`));
  });

  it('`help kv` and `help kv get` print the help of that command, exit 0, as `vault help kv`', async () => {
    const kv = await runCli(['help', 'kv']);
    expect(kv.code).toBe(0);
    expect(kv.stderr).toContain('Usage: vaultlab kv [options] [command]');
    const get = await runCli(['help', 'kv', 'get']);
    expect(get.code).toBe(0);
    expect(get.stderr).toContain('Usage: vaultlab kv get [options] <path>');
  });

  it('`help` of a command that does not exist is an unknown command: exit 127', async () => {
    const r = await runCli(['help', 'frobnicate']);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('Unknown command: frobnicate');
  });

  it("`version`, `-version`, `--version` and `-v` print vaultlab's version and the Vault API version it speaks", async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const arg of ['version', '-version', '--version', '-v']) {
      const r = await runCli([arg]);
      expect(r, arg).toMatchObject({ code: 0, stdout: `vaultlab v${pkg.version} (Vault API v${VAULT_VERSION})\n` });
    }
  });
});

describe('unknown commands and flags', () => {
  it('an unknown command exits 127 with the program help', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/^Unknown command: frobnicate\n\nUsage: vaultlab /);
  });

  it('a mistyped Go-style flag is quoted as the user typed it, and so is the suggestion', async () => {
    const status = await runCli(['status', '-feild=x'], env);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain("error: unknown option '-feild=x'");
    const get = await runCli(['kv', 'get', '-feild=x', 'secret/a'], env);
    expect(get.code).toBe(1);
    expect(get.stderr).toContain("error: unknown option '-feild=x'\n(Did you mean -field?)");
    expect(get.stderr).not.toContain("'--feild");
  });

  it('a mistyped double-dash flag keeps its double dash', async () => {
    const r = await runCli(['kv', 'get', '--feild=x', 'secret/a'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: unknown option '--feild=x'\n(Did you mean --field?)");
  });
});

describe('without a build', () => {
  it('bin/vaultlab.js runs the sources through tsx and says how to get the fast CLI', async () => {
    // A checkout with no dist/: bin/ copied, src/ and node_modules/ linked to this one's.
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'vaultlab-nobuild-'));
    try {
      mkdirSync(join(dir, 'bin'));
      copyFileSync(join(root, 'bin/vaultlab.js'), join(dir, 'bin/vaultlab.js'));
      for (const name of ['src', 'scenarios', 'node_modules', 'package.json']) symlinkSync(join(root, name), join(dir, name));
      const r = await runNode([join(dir, 'bin/vaultlab.js'), 'version']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^vaultlab v\S+ \(Vault API v\S+\)\n$/);
      expect(r.stderr).toBe('vaultlab: no build in dist/, running the sources: run npm run build for a fast CLI\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
