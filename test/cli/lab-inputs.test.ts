/**
 * The lab verbs check their input before they dial the lab: with a lab file whose control
 * endpoint answers nothing, a bad input still gets its own clear error and exit 1, while a
 * good one gets as far as "does not answer".
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

let home: string;
const env = () => ({ VAULTLAB_HOME: home });

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'vaultlab-inputs-'));
  // Port 1 on loopback: nothing listens, so any request that goes out fails to connect.
  const nodes = ['node1', 'node2', 'node3'].map((name, i) => ({ name, apiAddr: `http://127.0.0.1:${8200 + 10 * i}` }));
  await writeFile(join(home, 'lab.json'), JSON.stringify({ pid: process.pid, control: 'http://127.0.0.1:1', nodes }));
  await writeFile(join(home, 'control.secret'), 'test-secret\n', { mode: 0o600 });
});
afterAll(() => rm(home, { recursive: true, force: true }));

describe('lab verbs refuse bad input locally', () => {
  it.each([
    [['fault', 'node2', 'partition-peers', '--duration', 'abc'], /--duration must be a whole number of milliseconds/],
    [['fault', 'node2', 'partition-peers', '--duration', '0'], /--duration must be/],
    [['fault', 'node2', 'partition-peers', '--duration', '5s'], /--duration must be/],
    [['fault', 'node2', 'partition-peers', '--duration', '3600001'], /--duration must be/],
    [['fault', 'node2', 'bogus'], /unknown fault "bogus"/],
    [['fault', 'storage', 'partition-peers'], /acts on one node/],
    [['fault', 'node1', 'slow-storage'], /acts on all of storage/],
    [['fault', 'node9', 'pause'], /no node named "node9"/],
    [['fault', 'node3', 'seal', '--duration', '500'], /seal does not take a duration/],
    [['kill', 'node9'], /no node named "node9"/],
    [['seal', 'storage'], /no node named "storage"/],
    [['step-down', 'node1'], /too many arguments/],
    [['heal', 'now'], /too many arguments/],
  ])('%j', async (args, message) => {
    const r = await runCli(args, env());
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/does not answer/);
  });

  it('a good input gets as far as the (silent) lab', async () => {
    const r = await runCli(['fault', 'node2', 'partition-peers', '--duration', '500'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not answer/);
  });
});
