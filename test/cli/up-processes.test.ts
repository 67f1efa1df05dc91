/**
 * `vaultlab up --processes` from the command line, as a user runs it: the banner names each
 * node's process and config and etcd's members, the configs it wrote are Vault's HCL and run
 * by hand, `status --all` shows pids and etcd's health, `fault etcd` words are checked before
 * the lab is dialled, a second `up` reuses the data and the keys, and `down` leaves nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/run-cli.ts';
import { randomPortBase } from '../helpers/random-port-base.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
}, 60_000);

let dir = '';
let home = '';
const base = randomPortBase(40);
const env = () => ({ VAULTLAB_HOME: home });

function up() {
  const lab = startCli(['up', '--processes', '--base-port', String(base)], /Ctrl-C stops the lab/, env(), dir);
  cleanups.unshift(async () => {
    if (lab.child.exitCode === null) lab.child.kill('SIGTERM');
    await lab.exited;
  });
  return lab;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vaultlab-processes-cli-'));
  home = join(dir, '.vaultlab');
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
}, 60_000);

describe('vaultlab up --processes', () => {
  it('starts three server processes on a three-member etcd, shows them, takes etcd faults, and stops whole', async () => {
    const lab = up();
    const banner = await lab.up;
    expect(banner).toMatch(
      /==> vaultlab: 3-node HA cluster is up, one process per node \(storage: etcd, 3 members started by the lab; seal: shamir 5\/3; timings: lab, lock TTL 1 s; ready in [0-9.]+ m?s\)/,
    );
    for (let i = 1; i <= 3; i++) {
      expect(banner).toMatch(
        new RegExp(`    node${i}  http://127\\.0\\.0\\.1:${base + 10 * (i - 1)}  pid \\d+  vaultlab server -config=.*node${i}\\.hcl`),
      );
      expect(banner).toMatch(new RegExp(`    etcd${i}  http://127\\.0\\.0\\.1:${base + 10 * (i - 1) + 2}  pid \\d+  data `));
    }
    const config = readFileSync(join(home, 'processes', 'node2.hcl'), 'utf8');
    expect(config).toContain(`  address         = "127.0.0.1:${base + 10}"`);
    expect(config).toContain('storage "etcd" {');
    expect(config).toContain('  ha_enabled   = "true"');
    expect(JSON.parse(readFileSync(join(home, 'lab.json'), 'utf8'))).toMatchObject({ storage: 'etcd', processes: true });

    const table = await runCli(['status', '--all'], env());
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Process\s+Pid\s+State\s+Config or Address/);
    expect(table.stdout).toMatch(/etcd1\s+\d+\s+running\s+http:\/\/127\.0\.0\.1:\d+ \(healthy/);

    const bad = await runCli(['fault', 'etcd', 'etcd1', 'melt'], env());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('usage: vaultlab fault etcd MEMBER kill|restart|pause [--duration MS], or vaultlab fault etcd quorum');
    const unknown = await runCli(['fault', 'etcd', 'etcd9', 'kill'], env());
    expect(unknown.stderr).toContain('no etcd member named "etcd9" in this lab (members: etcd1, etcd2, etcd3)');
    const kill = await runCli(['fault', 'etcd', 'etcd1', 'kill', '--duration', '1500'], env());
    expect(kill.stdout).toContain('Success! etcd kill on etcd1 for 1500 ms');
    const json = JSON.parse((await runCli(['status', '--all', '-format=json'], env())).stdout);
    expect(json.processes.etcd[0]).toMatchObject({ name: 'etcd1', state: 'stopped', pid: null, healthy: false });
    // Killing a member can cost etcd its leader (and its return can cost it again): until one is
    // elected the active cannot renew its lease and stops serving at the lease's end, by design.
    // So what the nodes say is read once it has settled, never in the one moment after the kill.
    const actives = async () => {
      const out = (await runCli(['status', '--all', '-format=json'], env())).stdout;
      return out ? JSON.parse(out).nodes.filter((n: { ha_mode: string }) => n.ha_mode === 'active').length : undefined;
    };
    await expect.poll(actives, { timeout: 30_000, interval: 200 }).toBe(1);
    // operator members: each standby process echoes to the active over its cluster port.
    const keys = JSON.parse(readFileSync(join(home, 'init.json'), 'utf8'));
    const vault = { ...env(), VAULT_ADDR: `http://127.0.0.1:${base}`, VAULT_TOKEN: keys.root_token };
    const members = async () => {
      const out = (await runCli(['operator', 'members', '-format=json'], vault)).stdout;
      const nodes: Array<{ hostname: string; active_node: boolean }> = out ? JSON.parse(out).Nodes : [];
      return { hostnames: nodes.map((n) => n.hostname).sort(), actives: nodes.filter((n) => n.active_node).length };
    };
    await expect.poll(members, { timeout: 30_000, interval: 200 }).toEqual({ hostnames: ['node1', 'node2', 'node3'], actives: 1 });
    // A node cut from etcd through its own links; heal mends them.
    expect((await runCli(['fault', 'link', 'node2', 'etcd', 'partition'], env())).stdout).toContain('Success! link node2–etcd: partition');
    const cut = JSON.parse((await runCli(['status', '--all', '-format=json'], env())).stdout);
    expect(cut.nodes[1].faults).toContain('partition-storage');
    expect((await runCli(['fault', 'link', 'node2', 'node3', 'partition'], env())).stderr).toContain(
      "a process lab's links join a node and etcd: fault link NODE etcd WORDS",
    );
    await runCli(['heal'], env());
    const healed = JSON.parse((await runCli(['status', '--all', '-format=json'], env())).stdout);
    expect(healed.nodes[1].faults).not.toContain('partition-storage');
    const notHere = await runCli(['fault', 'storage', 'slow-storage'], env());
    expect(notHere.stderr).toContain('slow-storage is not available in a process lab');

    expect((await runCli(['down'], env())).code).toBe(0);
    expect(await lab.exited).toBe(0);
  }, 180_000);

  it('runs again on the same etcd data with the keys init.json kept', async () => {
    const keys = JSON.parse(readFileSync(join(home, 'init.json'), 'utf8'));
    const lab = up();
    await lab.up;
    const read = await runCli(['status', '--all', '-format=json'], env());
    expect(JSON.parse(read.stdout).nodes.map((n: { sealed: boolean }) => n.sealed)).toEqual([false, false, false]);
    expect(JSON.parse(readFileSync(join(home, 'init.json'), 'utf8'))).toEqual(keys);
    expect((await runCli(['down'], env())).code).toBe(0);
    expect(await lab.exited).toBe(0);
  }, 180_000);

  it("reset removes etcd's data and the node configs with the keys; the next up starts afresh", async () => {
    const reset = await runCli(['reset', '-force'], env());
    expect(reset.stdout).toContain('etcd/, processes/');
    for (const gone of ['etcd', 'processes', 'init.json']) expect(existsSync(join(home, gone))).toBe(false);
    const lab = up();
    await lab.up;
    expect(existsSync(join(home, 'init.json'))).toBe(true);
    expect((await runCli(['down'], env())).code).toBe(0);
    expect(await lab.exited).toBe(0);
  }, 180_000);

  it('runs one node on level as its own process: active once unsealed, killed and restarted as a new process', async () => {
    const levelHome = join(dir, 'level-lab');
    const levelEnv = { VAULTLAB_HOME: levelHome };
    const lab = startCli(
      ['up', '--processes', '--storage', 'level', '--nodes', '1', '--base-port', '0'],
      /Ctrl-C stops the lab/,
      levelEnv,
      dir,
    );
    cleanups.unshift(async () => {
      if (lab.child.exitCode === null) lab.child.kill('SIGTERM');
      await lab.exited;
    });
    expect(await lab.up).toMatch(/1-node HA cluster is up, one process per node \(storage: level;/);
    const before = JSON.parse((await runCli(['status', '--all', '-format=json'], levelEnv)).stdout);
    expect(before.nodes[0]).toMatchObject({ name: 'node1', ha_mode: 'active', sealed: false });
    expect(before.processes.etcd).toEqual([]);
    await runCli(['kill', 'node1'], levelEnv);
    await runCli(['restart', 'node1'], levelEnv);
    expect((await runCli(['unseal', '--all'], levelEnv)).stdout).toContain('node1: unsealed');
    const after = JSON.parse((await runCli(['status', '--all', '-format=json'], levelEnv)).stdout);
    expect(after.nodes[0].ha_mode).toBe('active');
    expect(after.processes.nodes[0].pid).not.toBe(before.processes.nodes[0].pid);
    expect((await runCli(['down'], levelEnv)).code).toBe(0);
    expect(await lab.exited).toBe(0);
  }, 180_000);

  it('refuses level with more than one node before anything starts', async () => {
    const r = await runCli(['up', '--processes', '--storage', 'level', '--base-port', '0'], env(), dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      '--storage level opens in one process only (LevelDB locks its directory), so a process lab on it has one node, not 3',
    );
  }, 60_000);
});
