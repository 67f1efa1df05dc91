/** `vaultlab operator members` against a 3-node lab started by `vaultlab up`: Vault's table and its JSON. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/run-cli.ts';

let cwd: string;
let lab: ReturnType<typeof startCli>;
let addrs: string[];

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultlab-members-'));
  lab = startCli(['up', '--storage', 'memory', '--base-port', '0'], /Ctrl-C stops the lab/, {}, cwd);
  await lab.up;
  addrs = (JSON.parse(await readFile(join(cwd, '.vaultlab', 'lab.json'), 'utf8')) as { nodes: { apiAddr: string }[] }).nodes.map(
    (n) => n.apiAddr,
  );
});
afterAll(async () => {
  lab.child.kill('SIGTERM');
  await lab.exited;
  await rm(cwd, { recursive: true, force: true });
});

describe('vaultlab operator members', () => {
  it("prints one row per node with Vault's columns, asked through any node", async () => {
    // The token comes from the lab's init.json; each node is asked in turn (standbys forward).
    for (const addr of addrs) {
      const members = () => runCli(['operator', 'members', `--address=${addr}`], {}, cwd);
      await expect.poll(async () => (await members()).stdout.trim().split('\n').length, { timeout: 5000 }).toBe(5);
      const r = await members();
      expect(r.code).toBe(0);
      const [header, underline, ...rows] = r.stdout.trim().split('\n');
      expect(header.split(/\s{4,}/)).toEqual([
        'Host Name',
        'API Address',
        'Cluster Address',
        'Active Node',
        'Version',
        'Upgrade Version',
        'Redundancy Zone',
        'Last Echo',
      ]);
      expect(underline).toMatch(/^---------\s{4,}-----------/);
      const cells = rows.map((l) => l.split(/\s{4,}/));
      expect(cells.map((c) => c[1])).toEqual([...addrs].sort());
      expect(cells.map((c) => c[3]).sort()).toEqual(['false', 'false', 'true']);
      for (const c of cells) {
        expect(c.slice(4, 7)).toEqual(['1.18.5', 'n/a', 'n/a']);
        expect(c[7]).toMatch(c[3] === 'true' ? /^n\/a$/ : /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      }
    }
  });

  it("prints the Go client's JSON with -format=json and fails with exit 2 without a usable token", async () => {
    const r = await runCli(['operator', 'members', '-format=json', `--address=${addrs[0]}`], {}, cwd);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { Nodes: Array<Record<string, unknown>> };
    expect(json.Nodes.map((n) => n.hostname).sort()).toEqual(['node1', 'node2', 'node3']);
    expect(json.Nodes.filter((n) => n.active_node)).toHaveLength(1);
    const denied = await runCli(['operator', 'members', `--address=${addrs[0]}`], { VAULT_TOKEN: 'hvs.not-a-token' }, cwd);
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain('permission denied');
  });
});
