/**
 * `vaultlab operator rotate|key-status|generate-root|rekey` against a 3-node lab started by
 * `vaultlab up`: Vault's output lines, a generated root token that decodes and works, a rekey
 * whose new shares come back once, and Vault's words when no operation is in progress.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/run-cli.ts';

let cwd: string;
let lab: ReturnType<typeof startCli>;
let addr: string;
let keys: string[];

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultlab-keys-'));
  lab = startCli(['up', '--storage', 'memory', '--base-port', '0'], /Ctrl-C stops the lab/, {}, cwd);
  await lab.up;
  addr = (JSON.parse(await readFile(join(cwd, '.vaultlab', 'lab.json'), 'utf8')) as { nodes: { apiAddr: string }[] }).nodes[0].apiAddr;
  keys = (JSON.parse(await readFile(join(cwd, '.vaultlab', 'init.json'), 'utf8')) as { keys: string[] }).keys;
});
afterAll(async () => {
  lab.child.kill('SIGTERM');
  await lab.exited;
  await rm(cwd, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli(['operator', ...args, `-address=${addr}`], env, cwd);
const INSTALL = /\d{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2} UTC/;

describe('vaultlab operator rotate and key-status', () => {
  it("prints Vault's lines: Success! Rotated key, then Key Term, Install Time, Encryption Count", async () => {
    const before = await cli(['key-status']);
    expect(before.code).toBe(0);
    const term = Number(/^Key Term {12}(\d+)$/m.exec(before.stdout)![1]);
    const r = await cli(['rotate']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual(['Success! Rotated key', '']);
    expect(lines[2]).toBe(`Key Term            ${term + 1}`);
    expect(lines[3]).toMatch(new RegExp(`^Install Time {8}${INSTALL.source}$`));
    expect(lines[4]).toMatch(/^Encryption Count {4}\d+$/);
    const json = await cli(['rotate', '-format=json']);
    expect(JSON.parse(json.stdout)).toEqual({ term: term + 2, install_time: expect.any(String), encryptions: expect.any(Number) });
  });
});

describe('vaultlab operator generate-root', () => {
  it('refuses an update with no generation in progress, in Vault words', async () => {
    const r = await cli(['generate-root', keys[0], '-nonce=x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        'No root generation is in progress. Start a root generation by running "vault',
        'operator generate-root -init".',
        'If starting root generation using the OTP method and generating your own OTP,',
        'the length of the OTP string needs to be 28 characters in length.',
        '',
      ].join('\n'),
    );
  });

  it('-init with a generated OTP, three shares, then -decode: the token works as root', async () => {
    const init = await cli(['generate-root', '-init']);
    expect(init.code).toBe(0);
    expect(init.stderr).toContain('A One-Time-Password has been generated for you');
    const rows = Object.fromEntries(
      init.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s{4,}/) as [string, string]),
    );
    expect(rows).toEqual({
      Nonce: expect.stringMatching(/^[0-9a-f-]{36}$/),
      Started: 'true',
      Progress: '0/3',
      Complete: 'false',
      OTP: expect.stringMatching(/^[A-Za-z0-9]{28}$/),
      'OTP Length': '28',
    });
    const status = await cli(['generate-root', '-status']);
    expect(status.stdout).toContain('Progress      0/3');
    let last = '';
    for (const k of keys.slice(0, 3)) last = (await cli(['generate-root', `-nonce=${rows.Nonce}`, k])).stdout;
    const done = Object.fromEntries(
      last
        .trim()
        .split('\n')
        .map((l) => l.split(/\s{4,}/) as [string, string]),
    );
    expect(done).toEqual({ Nonce: rows.Nonce, Started: 'true', Progress: '3/3', Complete: 'true', 'Encoded Token': expect.any(String) });
    const decoded = await cli(['generate-root', `-decode=${done['Encoded Token']}`, `-otp=${rows.OTP}`]);
    expect(decoded.code).toBe(0);
    expect(decoded.stdout).toMatch(/^hvs\.[A-Za-z0-9]{24}$/);
    const ks = await cli(['rotate'], { VAULT_TOKEN: decoded.stdout });
    expect(ks.code).toBe(0);
    const missing = await cli(['generate-root', '-decode=abc']);
    expect(missing).toMatchObject({ code: 1, stderr: 'Missing otp: use -otp to supply it\n' });
  });

  it('-cancel ends an attempt', async () => {
    expect((await cli(['generate-root', '-init', '-otp=abcdefghijklmnopqrstuvwxyz01'])).code).toBe(0);
    expect((await cli(['generate-root', '-cancel'])).stdout).toBe('Success! Root token generation canceled (if it was started)\n');
    expect((await cli(['generate-root', '-status'])).stdout).toMatch(/^Nonce\s{4,}n\/a\nStarted\s{4,}false\n/);
  });
});

describe('vaultlab operator rekey', () => {
  it('-init, -status, three old shares: new keys and the lines Vault prints; -cancel', async () => {
    const init = await cli(['rekey', '-init', '-key-shares=3', '-key-threshold=2']);
    expect(init.code).toBe(0);
    const rows = init.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s{4,}/));
    expect(rows.slice(0, 2)).toEqual([
      ['Key', 'Value'],
      ['---', '-----'],
    ]);
    const nonce = rows[2][1];
    expect(rows.slice(2)).toEqual([
      ['Nonce', nonce],
      ['Started', 'true'],
      ['Rekey Progress', '0/3'],
      ['New Shares', '3'],
      ['New Threshold', '2'],
      ['Verification Required', 'false'],
    ]);
    const one = await cli(['rekey', `-nonce=${nonce}`, keys[0]]);
    expect(one.stdout).toContain('Rekey Progress           1/3');
    await cli(['rekey', `-nonce=${nonce}`, keys[1]]);
    const done = await cli(['rekey', `-nonce=${nonce}`, keys[2]]);
    expect(done.code).toBe(0);
    const lines = done.stdout.split('\n');
    expect(lines[0]).toBe('');
    expect(lines.slice(1, 4).map((l) => l.replace(/: .*/, ''))).toEqual(['Key 1', 'Key 2', 'Key 3']);
    expect(lines.slice(4, 7)).toEqual(['', `Operation nonce: ${nonce}`, '']);
    expect(lines.slice(7).join('\n')).toBe(
      [
        'Vault unseal keys rekeyed with 3 key shares and a key threshold of 2. Please',
        'securely distribute the key shares printed above. When Vault is re-sealed,',
        'restarted, or stopped, you must supply at least 2 of these keys to unseal it',
        'before it can start servicing requests.',
        '',
      ].join('\n'),
    );
    const status = await cli(['rekey', '-status']);
    expect(status.stdout).toBe('Key        Value\n---        -----\nNonce      n/a\nStarted    false\n');
    const none = await cli(['rekey', `-nonce=${nonce}`, keys[0]]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('No rekey is in progress. Start a rekey process by running "vault operator rekey\n-init".\n');
    expect((await cli(['rekey', '-init', '-key-shares=1', '-key-threshold=1'])).code).toBe(0);
    expect((await cli(['rekey', '-cancel'])).stdout).toBe('Success! Canceled rekeying (if it was started)\n');
    // The old shares no longer open the barrier: a rekey started now wants the new threshold.
    expect((await cli(['rekey', '-init'])).stdout).toContain('Rekey Progress           0/2');
    await cli(['rekey', '-cancel']);
  });
});
