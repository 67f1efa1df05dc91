/**
 * `vaultlab status --all` against real labs: Vault's snake_case JSON with the lock as its own
 * object, the lock's holder, term and lease, each node's faults, a killed node shown as down,
 * agreement with a standby's own `status` in a failover gap, -watch until Ctrl-C, `unseal
 * --all` going on past a failing node, the lock knobs of `up`, and the light door at run time.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/run-cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const cleanups: Array<() => Promise<unknown>> = [];

/** Starts `vaultlab up` in a fresh home; resolves with its env, banner and node addresses once it is up. */
async function startLab(args: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'vaultlab-status-all-'));
  const home = join(dir, '.vaultlab');
  const lab = startCli(['up', '--base-port', '0', '--storage', 'memory', ...args], /Ctrl-C stops the lab/, { VAULTLAB_HOME: home });
  cleanups.push(async () => {
    if (lab.child.exitCode === null) lab.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  const banner = await lab.up;
  const file = JSON.parse(readFileSync(join(home, 'lab.json'), 'utf8')) as { nodes: { name: string; apiAddr: string }[] };
  const addr = Object.fromEntries(file.nodes.map((n) => [n.name, n.apiAddr]));
  return { env: { VAULTLAB_HOME: home }, banner, addr };
}

async function statusJson(env: Record<string, string>): Promise<any> {
  const r = await runCli(['status', '--all', '-format=json'], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Every key of a JSON value, nested. */
function keysOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(keysOf);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...keysOf(x)]);
  return [];
}

afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('status --all on a lab with a 3 s lock TTL', () => {
  let lab: Awaited<ReturnType<typeof startLab>>;
  beforeAll(async () => {
    lab = await startLab(['--lock-ttl', '3s', '--renew-interval', '500ms']);
  }, 120_000);

  it('up --lock-ttl and --renew-interval override the profile: the banner and status --all show them, and the lease left is at most 3 s', async () => {
    expect(lab.banner).toContain('timings: lab, lock TTL 3 s, renewed every 500 ms');
    const s = await statusJson(lab.env);
    expect(s.lock).toMatchObject({ held: true, ttl_ms: 3000, renew_interval_ms: 500 });
    expect(s.lock.lease_remaining_ms).toBeGreaterThan(0);
    expect(s.lock.lease_remaining_ms).toBeLessThanOrEqual(3000);
    const table = await runCli(['status', '--all'], lab.env);
    expect(table.stdout).toMatch(/\nLock: node\d, term \d+, lease [0-3]\.\d\d s left \(TTL 3 s, renewed every 500 ms\)\n/);
  });

  it("-format=json uses Vault's snake_case names and numbers, with the lock as its own object", async () => {
    const s = await statusJson(lab.env);
    expect(keysOf(s).filter((k) => /[A-Z]/.test(k))).toEqual([]);
    const active = s.nodes.find((n: any) => n.ha_mode === 'active');
    expect(Object.keys(active)).toEqual([
      'name',
      'api_address',
      'initialized',
      'sealed',
      't',
      'n',
      'progress',
      'nonce',
      'ha_mode',
      'leader_address',
      'term',
      'faults',
    ]);
    expect(active).toMatchObject({ initialized: true, sealed: false, t: 3, n: 5, progress: 0, nonce: '', faults: [] });
    expect(s.lock).toMatchObject({ holder: active.name, holder_address: active.api_address, term: active.term });
    for (const n of s.nodes) expect(n.leader_address).toBe(active.api_address);
  });

  it("shows each node's faults, and a killed node as down (not sealed 0/3)", async () => {
    const s = await statusJson(lab.env);
    const [a, b] = s.nodes.filter((n: any) => n.ha_mode === 'standby').map((n: any) => n.name);
    expect((await runCli(['kill', a], lab.env)).code).toBe(0);
    expect((await runCli(['fault', b, 'pause'], lab.env)).code).toBe(0);
    expect((await runCli(['fault', b, 'partition-peers'], lab.env)).code).toBe(0);
    expect((await runCli(['fault', 'storage', 'slow-storage'], lab.env)).code).toBe(0);
    const f = await statusJson(lab.env);
    const row = (name: string) => f.nodes.find((n: any) => n.name === name);
    expect(row(a)).toMatchObject({ ha_mode: 'down', initialized: null, sealed: null, progress: null, faults: ['kill', 'slow-storage'] });
    expect(row(b).faults).toEqual(['pause', 'partition-peers', 'slow-storage']);
    const table = await runCli(['status', '--all'], lab.env);
    const line = table.stdout.split('\n').find((l) => l.startsWith(`${a} `))!;
    expect(line.split(/\s{2,}/)).toEqual([a, lab.addr[a], '-', '-', '-', 'down', '-', '-', 'kill,slow-storage']);
    expect((await runCli(['heal'], lab.env)).code).toBe(0);
    expect((await runCli(['restart', a], lab.env)).code).toBe(0);
    expect((await runCli(['unseal', '--all'], lab.env)).code).toBe(0);
    const healed = await statusJson(lab.env);
    expect(healed.nodes.map((n: any) => n.faults)).toEqual([[], [], []]);
  }, 120_000);

  it('-watch=INTERVAL redraws until Ctrl-C (plain frames when not a terminal), then exits 0', async () => {
    const twoFrames = /^Every 200 ms: vaultlab status --all[\s\S]*^Every 200 ms: vaultlab status --all/m;
    const watch = startCli(['status', '--all', '-watch=200ms'], twoFrames, lab.env);
    await watch.up;
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
    const { stdout } = watch.output();
    expect((stdout.match(/\nLock: node\d/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(stdout).not.toContain('\u001b[2J');
  }, 60_000);

  it('-watch frames follow -format: YAML frames are YAML', async () => {
    const twoFrames = /^Every 200 ms: vaultlab status --all[\s\S]*^Every 200 ms: vaultlab status --all/m;
    const watch = startCli(['status', '--all', '-watch=200ms', '-format=yaml'], twoFrames, lab.env);
    await watch.up;
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
    const { stdout } = watch.output();
    expect((stdout.match(/^lock:$/gm) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(stdout).not.toContain('"lock"');
  }, 60_000);

  it('-watch on a terminal redraws in place (home, clear screen) until Ctrl-C typed on that terminal, then exits 0', async () => {
    // script(1) runs the command on a pseudo-terminal; a ^C written to it reaches the command as SIGINT, as a typed one does.
    // script -c starts the command through `$SHELL -c`, and dash does not exec a lone command: the shell would stay in the
    // terminal's foreground group, die of the same SIGINT and make script -e report 130. `exec` leaves the command alone
    // on the terminal; SHELL is pinned to dash so every run takes the path that failed.
    const cmd = `exec ${process.execPath} ${join(ROOT, 'bin/vaultlab.js')} status --all -watch=200ms`;
    const env = { ...process.env, NO_COLOR: '1', SHELL: '/bin/sh', ...lab.env };
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env, stdio: 'pipe' });
    let stdout = '';
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d) => {
        stdout += d;
        if ((stdout.match(/\u001b\[H\u001b\[2JEvery 200 ms: vaultlab status --all/g) ?? []).length >= 2) resolve();
      }),
    );
    child.stdin.write('\u0003');
    expect(await exited).toBe(0);
  }, 60_000);

  it('-watch takes a Go duration and goes with --all only', async () => {
    const bad = await runCli(['status', '--all', '-watch=fast'], lab.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('-watch must be a duration of at least 100ms, such as 1s or 500ms, not "fast"');
    expect((await runCli(['status', '-watch'], lab.env)).stderr).toContain('-watch goes with --all');
  });
});

describe('a failover gap', () => {
  it("status --all and a standby's own status agree on the active node, and the lock line explains the wait", async () => {
    // A 30 s lease: the gap after a kill outlasts every command below on a loaded machine.
    const lab = await startLab(['--lock-ttl', '30s', '--renew-interval', '5s']);
    const before = await statusJson(lab.env);
    const active = before.nodes.find((n: any) => n.ha_mode === 'active');
    const standby = before.nodes.find((n: any) => n.ha_mode === 'standby');
    expect((await runCli(['kill', active.name], lab.env)).code).toBe(0);
    const gap = await statusJson(lab.env);
    expect(gap.lock).toMatchObject({ held: true, holder: active.name, term: active.term });
    expect(gap.nodes.find((n: any) => n.name === active.name).ha_mode).toBe('down');
    const own = await runCli(['status', `-address=${standby.api_address}`], lab.env);
    expect(own.stdout).toMatch(/HA Mode\s+standby/);
    const ownActive = /Active Node Address\s+(\S+)/.exec(own.stdout)![1];
    const row = gap.nodes.find((n: any) => n.name === standby.name);
    expect(row.leader_address).toBe(ownActive);
    expect(ownActive).toBe(active.api_address);
    const table = await runCli(['status', '--all'], lab.env);
    expect(table.stdout).toContain(`Lock: ${active.name} (down: its lease runs out unrenewed), term ${active.term}, lease `);
  }, 120_000);
});

describe('unseal --all', () => {
  it('goes on past a node that fails, reports each node, and exits 2', async () => {
    const lab = await startLab(['--sealed']);
    expect((await runCli(['fault', 'node1', 'partition-storage'], lab.env)).code).toBe(0);
    const r = await runCli(['unseal', '--all'], lab.env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/^node1: failed: storage unreachable \(partitioned\)\nnode2: unsealed\nnode3: unsealed\n/);
    const s = await statusJson(lab.env);
    expect(s.nodes.map((n: any) => n.sealed)).toEqual([true, false, false]);
  }, 120_000);
});
