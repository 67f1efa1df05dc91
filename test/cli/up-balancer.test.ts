/**
 * `vaultlab up --lb` against real labs: the banner names the balancer, its check and (with
 * HAProxy) the config it runs; `env` points VAULT_ADDR at the balancer; lab.json and `status
 * --all` show each node's check state as the balancer sees it; a bad --lb is refused before
 * anything starts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
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

async function up(args: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'vaultlab-lb-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const home = join(dir, '.vaultlab');
  const lab = startCli(['up', '--storage', 'memory', ...args], /Ctrl-C stops the lab/, { VAULTLAB_HOME: home });
  cleanups.unshift(async () => {
    if (lab.child.exitCode === null) lab.child.kill('SIGKILL');
  });
  return { home, banner: await lab.up };
}

describe('up --lb haproxy,standby-ok --api-addr lb', () => {
  const base = randomPortBase(100);
  let lab: Awaited<ReturnType<typeof up>>;
  beforeAll(async () => {
    lab = await up(['--base-port', String(base), '--lb', 'haproxy,standby-ok', '--lb-inter', '100ms', '--api-addr', 'lb']);
  }, 120_000);

  it('the banner names the balancer on base + 8, its check and the config HAProxy runs; env exports its address', async () => {
    const { home, banner } = lab;
    const lb = `http://127.0.0.1:${base + 8}`;
    expect(banner).toContain(
      `    balancer  ${lb}  HAProxy, standby-ok: GET /v1/sys/health, inter 100ms fall 3 rise 2; standbys pass too (?standbyok=true) and forward`,
    );
    const config = join(home, 'haproxy', 'haproxy.cfg');
    expect(banner).toContain(`    HAProxy runs ${config}: the config to take to production, with your nodes' addresses`);
    expect(readFileSync(config, 'utf8')).toContain('option httpchk GET /v1/sys/health?standbyok=true');
    expect(banner).toContain("api_addr: every node advertises the balancer, so a standby's 307 sends the client back to it");
    expect(banner).toContain(`$ export VAULT_ADDR='${lb}'`);
    const env = await runCli(['env'], { VAULTLAB_HOME: home });
    expect(env.stdout).toContain(`export VAULT_ADDR='${lb}'`);
    // The admin socket can take servers out: only the lab's user reaches it.
    expect(statSync(join(home, 'haproxy')).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'haproxy', 'haproxy.sock')).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(join(home, 'lab.json'), 'utf8'));
    expect(file.balancer).toEqual({ url: lb, kind: 'haproxy', mode: 'standby-ok', configFile: config });
  }, 60_000);

  it("status --all shows each node's check as HAProxy sees it, in the table and as JSON", async () => {
    const env = { VAULTLAB_HOME: lab.home };
    await expect
      .poll(
        async () => {
          const json = JSON.parse((await runCli(['status', '--all', '-format=json'], env)).stdout);
          return json.balancer.servers.map((s: { status: string; last_check: string }) => `${s.status} ${s.last_check}`);
        },
        { timeout: 30_000, interval: 200 },
      )
      .toEqual(['UP L7OK 200', 'UP L7OK 200', 'UP L7OK 200']);
    const table = await runCli(['status', '--all'], env);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^Node\s+Address\s+Initialized.*\s+Term\s+LB Check\s+Faults$/);
    expect(lines.slice(2, 5).every((l) => l.includes('UP · L7OK 200'))).toBe(true);
    expect(table.stdout).toContain(`Balancer: http://127.0.0.1:${base + 8} (HAProxy, standby-ok: inter 100ms fall 3 rise 2)`);
    // A standby's leader is the balancer: what every node advertises.
    expect(lines.slice(2, 5).every((l) => l.includes(`http://127.0.0.1:${base + 8}`))).toBe(true);
    // And the lab is reachable through it.
    expect((await fetch(`http://127.0.0.1:${base + 8}/v1/sys/health`)).status).toBeLessThan(500);
  }, 60_000);

  it('down stops HAProxy with the lab', async () => {
    const down = await runCli(['down'], { VAULTLAB_HOME: lab.home });
    expect(down.code, down.stderr).toBe(0);
    await expect
      .poll(
        () =>
          fetch(`http://127.0.0.1:${base + 8}/v1/sys/health`).then(
            () => 'open',
            () => 'closed',
          ),
        { timeout: 15_000 },
      )
      .toBe('closed');
    expect(existsSync(join(lab.home, 'haproxy', 'haproxy.cfg'))).toBe(true);
  }, 60_000);
});

describe('up --lb refusals', () => {
  it.each([
    [['--lb', 'sideways'], '--lb must be active or standby-ok'],
    [['--api-addr', 'lb'], '--api-addr lb makes every node advertise the balancer: it needs --lb'],
  ])('%j is refused before anything starts', async (args, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'vaultlab-lb-cli-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const res = await runCli(['up', '--storage', 'memory', ...args], { VAULTLAB_HOME: join(dir, '.vaultlab') });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(message);
    expect(existsSync(join(dir, '.vaultlab', 'lab.json'))).toBe(false);
  });
});
