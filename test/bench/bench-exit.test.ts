/**
 * `vaultlab bench` leaves nothing behind on any way out: ended by SIGTERM once its servers are
 * up, or failing because a server cannot start, it exits, its output pipes close (no child
 * holds them), and no process it started survives. A bad --port-base is refused before anything starts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { randomBenchPortBase } from '../helpers/random-port-base.ts';

const BIN = fileURLToPath(new URL('../../bin/vaultlab.js', import.meta.url));

/** Each live process's parent, from /proc (zombies count as gone: they run nothing and hold no pipe). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') out.set(Number(name), Number(ppid));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Every live descendant of `pid`. */
function descendants(pid: number): number[] {
  const ppids = parents();
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of ppids)
      if (parent === p) {
        found.push(child);
        walk(child);
      }
  };
  walk(pid);
  return found;
}

const alive = (pids: number[]) => {
  const live = parents();
  return pids.filter((p) => live.has(p));
};

async function until(what: string, ok: () => boolean, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `vaultlab bench ARGS`; `closed` resolves with the exit code once its stdout and stderr have closed. */
function startBench(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'bench', ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  const closed = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGTERM' ? 143 : -1))));
  return { child, closed, stderr: () => stderr };
}

describe('vaultlab bench ends its children', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    '%s once its servers are up: it exits, its pipes close, and none of its processes survives',
    async (signal, code) => {
      const out = await mkdtemp(join(tmpdir(), 'vaultlab-bench-exit-'));
      // Measurements of ten minutes: a bench that went on after the signal would outlast the test.
      const bench = startBench(['--quick', '--duration=600', `--out=${out}`]);
      try {
        await until('its servers to be up', () => /servers up: /.test(bench.stderr()), 120_000);
        const started = descendants(bench.child.pid!);
        expect(started.length, 'the bench runner, its load generator and its servers').toBeGreaterThanOrEqual(3);
        bench.child.kill(signal);
        expect(await bench.closed).toBe(code);
        await until(`every child to end (left: ${alive(started).join(', ')})`, () => alive(started).length === 0);
        expect(existsSync(join(out, 'results.json'))).toBe(false);
      } finally {
        bench.child.kill('SIGKILL');
        await rm(out, { recursive: true, force: true });
      }
    },
    240_000,
  );

  it('its servers and load generator end by themselves when the bench runner is killed outright (SIGKILL: no handler runs)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vaultlab-bench-exit-'));
    const bench = startBench(['--quick', '--duration=600', `--out=${out}`]);
    try {
      await until('its servers to be up', () => /servers up: /.test(bench.stderr()), 120_000);
      const [runner] = descendants(bench.child.pid!).filter((p) => parents().get(p) === bench.child.pid);
      const forked = descendants(runner);
      expect(forked.length, 'the load generator and the servers').toBeGreaterThanOrEqual(2);
      process.kill(runner, 'SIGKILL');
      expect(await bench.closed).toBe(137);
      await until(`every forked process to end (left: ${alive(forked).join(', ')})`, () => alive(forked).length === 0);
    } finally {
      bench.child.kill('SIGKILL');
      await rm(out, { recursive: true, force: true });
    }
  }, 240_000);

  it('a server that cannot start fails the run with its reason (a busy port), and the servers already up end too', async () => {
    const base = randomBenchPortBase();
    // The second server's first node port: the first server starts and preloads, then the second fails.
    const busy = base + 100;
    const holder: Server = createServer();
    await new Promise<void>((resolve, reject) => holder.once('error', reject).listen(busy, '127.0.0.1', () => resolve()));
    const out = await mkdtemp(join(tmpdir(), 'vaultlab-bench-exit-'));
    const bench = startBench(['--quick', '--cases=read-uniform,read-uncached', `--port-base=${base}`, `--out=${out}`]);
    let started: number[] = [];
    try {
      await until(
        'the second server to start',
        () => {
          started = [...new Set([...started, ...descendants(bench.child.pid!)])];
          return /starting the memory uncached server/.test(bench.stderr());
        },
        120_000,
      );
      expect(await bench.closed, bench.stderr()).toBe(1);
      expect(bench.stderr()).toMatch(new RegExp(`bench failed: the memory uncached server: .*EADDRINUSE.*127\\.0\\.0\\.1:${busy}`));
      await until(`every child to end (left: ${alive(started).join(', ')})`, () => alive(started).length === 0);
    } finally {
      bench.child.kill('SIGKILL');
      holder.close();
      await rm(out, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('vaultlab bench --port-base', () => {
  it.each(['80', 'abc', '65000', '-1', '2.5'])('refuses %s with a clear error and exit 1, starting nothing', async (bad) => {
    const out = join(tmpdir(), `vaultlab-bench-never-${process.pid}-${bad}`);
    const r = await runCli(['bench', '--quick', '--port-base', bad, `--out=${out}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `--port-base must be 0 (any free ports) or a whole number from 1024 to 63836 (the bench uses 1700 ports from it): got "${bad}"`,
    );
    expect(r.stderr).not.toMatch(/starting the/);
    expect(existsSync(out)).toBe(false);
  });

  it('is in the help text', async () => {
    const r = await runCli(['bench', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/--port-base <port>\s+first of the 1700 ports the bench uses/);
  });
});

describe('vaultlab bench --api-tls', () => {
  it.each([
    ['yes', '--api-tls: unknown "yes" (known: off, on)'],
    ['on,on', '--api-tls names a mode twice: got "on,on"'],
    ['', '--api-tls: unknown "" (known: off, on)'],
  ])('refuses %j with a clear error and exit 1, starting nothing', async (bad, message) => {
    const out = join(tmpdir(), `vaultlab-bench-never-${process.pid}-tls-${bad.replace(/\W/g, '_')}`);
    const r = await runCli(['bench', '--quick', '--api-tls', bad, `--out=${out}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/starting the/);
    expect(existsSync(out)).toBe(false);
  });

  it('is in the help text', async () => {
    const r = await runCli(['bench', '--help']);
    expect(r.stdout + r.stderr).toMatch(/--api-tls <modes>\s+serve the API in plain HTTP \(off\), over TLS/);
  });
});
