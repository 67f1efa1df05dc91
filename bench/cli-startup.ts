/**
 * How long one CLI call takes, end to end, as a user types it: starts a 3-node lab, then runs
 * `vaultlab status` RUNS times from the build (bin/vaultlab.js → dist/), the same from the
 * TypeScript sources through tsx (how every call ran before the build), `status --all` and `--version`, and
 * prints the median, min and max of each. Exits 1 when there is no build to measure.
 *
 *   npm run build && node --import tsx bench/cli-startup.ts [--runs=20] [--compare=OTHER/bin/vaultlab.js]
 *
 * --compare also times `status` through another checkout's bin, e.g. one from before the build,
 * under the same load as the rest (this machine is shared: only figures of one run compare).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spread } from './summary.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${root}bin/vaultlab.js`;
const BUILT = `${root}dist/src/cli/main.js`;
const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const runs = Number(flag('runs') ?? 20);
const compare = flag('compare');

/** One run of `node ARGS`: resolves with its wall time in ms, rejecting on an unexpected exit code. */
function timeOne(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

/** Starts a 3-node lab (`vaultlab up`, memory storage, ports from the OS) in a home of its own; resolves with node1's address. */
async function startLab(home: string): Promise<{ addr: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'up', '--storage', 'memory', '--base-port', '0'], {
    cwd: root,
    env: { ...process.env, VAULTLAB_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const addr = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /node1\s+(http:\/\/\S+)/.exec(out);
      if (m && out.includes('Ctrl-C stops the lab')) resolve(m[1]);
    });
    child.on('close', (code) => reject(new Error(`vaultlab up exited ${code}: ${out}`)));
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { addr, stop: () => (child.kill('SIGINT'), exited) };
}

async function main(): Promise<number> {
  if (!existsSync(BUILT)) {
    process.stderr.write(`no build at ${BUILT}: run npm run build first\n`);
    return 1;
  }
  const home = mkdtempSync(join(tmpdir(), 'vaultlab-startup-'));
  const lab = await startLab(home);
  const env = { ...process.env, VAULTLAB_HOME: home, VAULT_ADDR: lab.addr, VAULTLAB_QUIET_ADDR: '1', NO_COLOR: '1' };
  const cases: Array<[string, string[]]> = [
    ['vaultlab status (build)', [BIN, 'status']],
    ['vaultlab status --all (build)', [BIN, 'status', '--all']],
    ['vaultlab status (sources, tsx)', ['--import', 'tsx', `${root}src/cli/main.ts`, 'status']],
    ['vaultlab --version (build)', [BIN, '--version']],
    ['node -e 0 (Node alone)', ['-e', '0']],
  ];
  if (compare) cases.unshift([`${compare} status`, [compare, 'status']]);
  try {
    process.stdout.write(`${runs} runs each, against a running 3-node lab (node1 ${lab.addr}), ms\n`);
    for (const [name, args] of cases) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(await timeOne(args, env));
      const { min, median, max } = spread(times);
      process.stdout.write(
        `${name.padEnd(36)} median ${median.toFixed(0).padStart(5)}  min ${min.toFixed(0).padStart(5)}  max ${max.toFixed(0).padStart(5)}\n`,
      );
    }
  } finally {
    // The lab removes its own files on exit: the home goes once it has.
    await lab.stop();
    rmSync(home, { recursive: true, force: true });
  }
  return 0;
}

process.exitCode = await main();
