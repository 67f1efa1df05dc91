/**
 * `vaultlab up --topology` against real labs: the nodes placed in the zones round-robin, shown
 * in the banner, `status --all` and lab.json; the address clients use is the node's link (with
 * the given base port), the node's own listener behind it; a bad value refused before anything
 * starts; a lab without the flag shows no zones.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/run-cli.ts';
import { randomPortBase } from '../helpers/random-port-base.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vaultlab-wire-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** `vaultlab up` with `args` in a fresh home; resolves with its home and banner once it is up. */
async function up(args: string[]) {
  const home = join(await tempDir(), '.vaultlab');
  const lab = startCli(['up', '--storage', 'memory', ...args], /Ctrl-C stops the lab/, { VAULTLAB_HOME: home });
  cleanups.unshift(async () => {
    if (lab.child.exitCode === null) lab.child.kill('SIGKILL');
  });
  return { home, banner: await lab.up };
}

type LabJson = { topology?: string; nodes: { name: string; apiAddr: string; zone?: string }[] };
const labJson = (home: string) => JSON.parse(readFileSync(join(home, 'lab.json'), 'utf8')) as LabJson;

describe('up --topology three-zones --nodes 5', () => {
  const base = randomPortBase(100);
  let lab: Awaited<ReturnType<typeof up>>;
  beforeAll(async () => {
    lab = await up(['--topology', 'three-zones', '--nodes', '5', '--base-port', String(base)]);
  }, 120_000);

  it('places the nodes z1 z2 z3 z1 z2 in status --all, lab.json and the banner; clients use the link on the base port', async () => {
    const { home, banner } = lab;
    const zones = ['z1', 'z2', 'z3', 'z1', 'z2'];
    const file = labJson(home);
    expect(file.topology).toBe('three-zones');
    expect(file.nodes.map((n) => n.zone)).toEqual(zones);
    // The public port is the port plan's; the node's own listener is another, behind the link.
    expect(file.nodes.map((n) => Number(new URL(n.apiAddr).port))).toEqual([0, 1, 2, 3, 4].map((i) => base + 10 * i));
    expect(banner).toContain(
      'topology three-zones: zones z1, z2, z3; one-way latency 0.1 ms inside a zone, 0.5–1 ms between zones, 10 ms to clients',
    );
    expect(banner).toMatch(
      new RegExp(`node2  http://127\\.0\\.0\\.1:${base + 10}  \\w+  zone z2  \\(the node's own listener: http://127\\.0\\.0\\.1:\\d+\\)`),
    );

    const json = await runCli(['status', '--all', '-format=json'], { VAULTLAB_HOME: home });
    expect(json.code, json.stderr).toBe(0);
    const s = JSON.parse(json.stdout) as { nodes: { name: string; zone?: string; api_address: string }[] };
    expect(s.nodes.map((n) => n.zone)).toEqual(zones);
    expect(s.nodes.map((n) => n.api_address)).toEqual(file.nodes.map((n) => n.apiAddr));

    const table = await runCli(['status', '--all'], { VAULTLAB_HOME: home });
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^Node\s+Address\s+Zone\s+Initialized/);
    expect(lines.slice(2, 7).map((l) => l.split(/\s+/)[2])).toEqual(zones);

    // The node answers through its link.
    const health = await fetch(`${file.nodes[0]!.apiAddr}/v1/sys/health?standbyok=true`);
    expect(health.status).toBe(200);
  }, 120_000);

  it('fault link and fault zone reach the lab; bad words are refused before it is dialled; heal ends them', async () => {
    const env = { VAULTLAB_HOME: lab.home };
    const link = await runCli(['fault', 'link', 'node2', 'node1', 'latency=50ms', 'jitter=5ms'], env);
    expect(link.code, link.stderr).toBe(0);
    expect(link.stdout).toContain('Success! link node2–node1: latency=50ms jitter=5ms');
    const zone = await runCli(['fault', 'zone', 'z3', 'down'], env);
    expect(zone.code, zone.stderr).toBe(0);
    expect(zone.stdout).toContain('Success! zone z3 down');
    const s = JSON.parse((await runCli(['status', '--all', '-format=json'], env)).stdout) as {
      nodes: { name: string; faults: string[] }[];
    };
    const faultsOf = (name: string) => s.nodes.find((n) => n.name === name)!.faults;
    expect(faultsOf('node3')).toEqual(expect.arrayContaining(['partition-storage', 'link']));
    expect(faultsOf('node1')).toContain('link');
    expect(faultsOf('node2')).toContain('link');
    expect((await runCli(['heal'], env)).code).toBe(0);
    const healed = JSON.parse((await runCli(['status', '--all', '-format=json'], env)).stdout) as { nodes: { faults: string[] }[] };
    expect(healed.nodes.map((n) => n.faults)).toEqual([[], [], [], [], []]);

    const badWord = await runCli(['fault', 'link', 'node1', 'node2', 'slow'], env);
    expect(badWord.code).toBe(1);
    expect(badWord.stderr).toContain('unknown link fault "slow"');
    const badEnd = await runCli(['fault', 'link', 'node1', 'node9', 'partition'], env);
    expect(badEnd.code).not.toBe(0);
    expect(badEnd.stderr).toContain('unknown link end "node9"');
    const badZone = await runCli(['fault', 'zone', 'z9', 'down'], env);
    expect(badZone.code).not.toBe(0);
    expect(badZone.stderr).toContain('unknown zone "z9"');
  }, 60_000);
});

describe('up --tls --topology one-zone', () => {
  it('serves https on each link (TLS passes through it untouched): the CLI writes through the active and a standby forwards the read', async () => {
    const { home, banner } = await up(['--tls', '--topology', 'one-zone', '--nodes', '2', '--base-port', '0']);
    const env = { VAULTLAB_HOME: home };
    const file = labJson(home);
    expect(file.nodes.map((n) => new URL(n.apiAddr).protocol)).toEqual(['https:', 'https:']);
    expect(banner).toMatch(
      /node1 {2}https:\/\/127\.0\.0\.1:\d+ {2}\w+ {2}zone z1 {2}\(the node's own listener: https:\/\/127\.0\.0\.1:\d+\)/,
    );
    const s = JSON.parse((await runCli(['status', '--all', '-format=json'], env)).stdout) as {
      nodes: { api_address: string; ha_mode: string }[];
    };
    const active = s.nodes.find((n) => n.ha_mode === 'active')!.api_address;
    const standby = s.nodes.find((n) => n.ha_mode === 'standby')!.api_address;
    const cli = {
      ...env,
      VAULT_CACERT: join(home, 'tls', 'ca.pem'),
      VAULT_TOKEN: JSON.parse(readFileSync(join(home, 'init.json'), 'utf8')).root_token,
    };
    expect(await runCli(['kv', 'put', `-address=${active}`, 'secret/wired', 'answer=42'], cli)).toMatchObject({ code: 0 });
    const forwarded = await runCli(['kv', 'get', '-field=answer', `-address=${standby}`, 'secret/wired'], {
      ...cli,
      VAULT_DISABLE_REDIRECTS: '1',
    });
    expect(forwarded).toMatchObject({ code: 0, stdout: '42' });
  }, 120_000);
});

describe('up without --topology', () => {
  it('shows no zones: no Zone column, no zone in status --all or lab.json', async () => {
    const { home, banner } = await up(['--nodes', '1', '--base-port', '0']);
    expect(banner).not.toContain('topology');
    expect(labJson(home).nodes[0]).not.toHaveProperty('zone');
    const table = await runCli(['status', '--all'], { VAULTLAB_HOME: home });
    expect(table.stdout).not.toContain('Zone');
    const s = JSON.parse((await runCli(['status', '--all', '-format=json'], { VAULTLAB_HOME: home })).stdout);
    expect(s.nodes[0]).not.toHaveProperty('zone');
  }, 120_000);
});

describe('up refuses a bad --topology before anything starts', () => {
  it.each([
    [
      'an unknown preset',
      () => 'two-zones',
      '--topology must be local, one-zone, three-zones or a topology file (JSON or HCL), not "two-zones"',
    ],
    ['a missing file', (dir: string) => join(dir, 'nowhere.hcl'), '(no such preset or file)'],
    [
      'a file with a bad field',
      (dir: string) => {
        const file = join(dir, 'bad.json');
        writeFileSync(file, JSON.stringify({ topology: { zones: { z1: { latency: '1ms' } }, clients: { latency: 'far' } } }));
        return file;
      },
      'is not a valid topology file:\ntopology.clients.latency',
    ],
  ])('%s', async (_what, value, message) => {
    const dir = await tempDir();
    const home = join(dir, '.vaultlab');
    const r = await runCli(['up', '--storage', 'memory', '--base-port', '0', '--topology', value(dir)], { VAULTLAB_HOME: home });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toContain(message);
    expect(existsSync(home)).toBe(false);
  });
});
