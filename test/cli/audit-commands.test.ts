/** `vaultlab audit enable|list|disable` against a dev server: Vault's lines, tables and exit codes. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/lab/index.ts';
import { runCli } from '../helpers/run-cli.ts';

let dev: DevServer;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'vaultlab-audit-cli-'));

beforeAll(async () => {
  dev = await startDevServer({ listenAddress: '127.0.0.1:0', rootTokenId: 'root' });
  env = { VAULT_ADDR: dev.apiAddr, VAULT_TOKEN: 'root' };
});
afterAll(async () => {
  await dev.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit verbs', () => {
  it('lists none, enables two, lists them plainly and in detail, disables them', async () => {
    expect(await runCli(['audit', 'list'], env)).toEqual({ code: 2, stdout: 'No audit devices are enabled.\n', stderr: '' });
    const file = join(dir, 'audit.log');
    expect(await runCli(['audit', 'enable', 'file', `file_path=${file}`], env)).toEqual({
      code: 0,
      stdout: 'Success! Enabled the file audit device at: file/\n',
      stderr: '',
    });
    const named = await runCli(
      ['audit', 'enable', '-path=second', '-description=raw copy', 'file', 'file_path=discard', 'log_raw=true'],
      env,
    );
    expect(named).toEqual({ code: 0, stdout: 'Success! Enabled the file audit device at: second/\n', stderr: '' });
    expect(await runCli(['audit', 'list'], env)).toEqual({
      code: 0,
      stdout: [
        'Path       Type    Description',
        '----       ----    -----------',
        'file/      file    n/a',
        'second/    file    raw copy',
        '',
      ].join('\n'),
      stderr: '',
    });
    const detailed = await runCli(['audit', 'list', '-detailed'], env);
    expect(detailed.stdout.split('\n')).toEqual([
      'Path       Type    Description    Replication    Options',
      '----       ----    -----------    -----------    -------',
      `file/      file    n/a            replicated     file_path=${file}`,
      'second/    file    raw copy       replicated     file_path=discard log_raw=true',
      '',
    ]);
    const json = JSON.parse((await runCli(['audit', 'list', '-format=json'], env)).stdout);
    expect(json['file/']).toEqual({ type: 'file', description: '', options: { file_path: file }, local: false, path: 'file/' });
    expect(readFileSync(file, 'utf8')).toContain('"path":"sys/audit"');
    expect(await runCli(['audit', 'disable', 'second'], env)).toEqual({
      code: 0,
      stdout: 'Success! Disabled audit device (if it was enabled) at: second/\n',
      stderr: '',
    });
    expect((await runCli(['audit', 'disable', '/file/'], env)).stdout).toBe(
      'Success! Disabled audit device (if it was enabled) at: file/\n',
    );
    expect((await runCli(['audit', 'list'], env)).code).toBe(2);
  });

  it('says what is wrong, in Vault words, with exit 1 for local mistakes and 2 for the server', async () => {
    expect(await runCli(['audit', 'enable'], env)).toEqual({
      code: 1,
      stdout: '',
      stderr: "Error enabling audit device: audit type missing. Valid types include 'file', 'socket' and 'syslog'.\n",
    });
    const unknown = await runCli(['audit', 'enable', 'syslog'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      `Error enabling audit device: Error making API request.\n\nURL: PUT ${dev.apiAddr}/v1/sys/audit/syslog\nCode: 400. Errors:\n\n* unknown backend type: "syslog"\n`,
    );
    expect(await runCli(['audit', 'disable'], env)).toEqual({ code: 1, stdout: '', stderr: 'Not enough arguments (expected 1, got 0)\n' });
    expect(await runCli(['audit', 'disable', 'a', 'b'], env)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Too many arguments (expected 1, got 2)\n',
    });
    const denied = await runCli(['audit', 'list'], { ...env, VAULT_TOKEN: 'hvs.wrongwrongwrongwrongwron' });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/^Error listing audits: Error making API request\.\n\nURL: GET .*\/v1\/sys\/audit\nCode: 403\. /);
  });
});
