/**
 * How long one CLI call takes, end to end, as a user types it: starts a dev server, then runs
 * `vaultlab status` RUNS times from the build (bin/vaultlab.js → dist/), the same from the
 * TypeScript sources through tsx (how every call ran before the build), and `--version`, and
 * prints the median, min and max of each. Exits 1 when there is no build to measure.
 *
 *   npm run build && node --import tsx bench/cli-startup.ts [--runs=20] [--compare=OTHER/bin/vaultlab.js]
 *
 * --compare also times `status` through another checkout's bin, e.g. one from before the build,
 * under the same load as the rest (this machine is shared: only figures of one run compare).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

/** Starts `vaultlab server -dev` on a port from the OS; resolves with its address and a stop function. */
async function startDev(): Promise<{ addr: string; stop: () => void }> {
  const child = spawn(process.execPath, [BIN, 'server', '-dev', '-dev-listen-address=127.0.0.1:0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const addr = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Api Address: (\S+)/.exec(out);
      if (m && out.includes('Root Token:')) resolve(m[1]);
    });
    child.on('close', (code) => reject(new Error(`server -dev exited ${code}: ${out}`)));
  });
  return { addr, stop: () => child.kill('SIGTERM') };
}

/** min, median and max of a list of times. */
function summary(times: number[]): { min: number; median: number; max: number } {
  const s = [...times].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { min: s[0], median, max: s[s.length - 1] };
}

async function main(): Promise<number> {
  if (!existsSync(BUILT)) {
    process.stderr.write(`no build at ${BUILT}: run npm run build first\n`);
    return 1;
  }
  const dev = await startDev();
  const env = { ...process.env, VAULT_ADDR: dev.addr, VAULTLAB_QUIET_ADDR: '1', NO_COLOR: '1' };
  const cases: Array<[string, string[]]> = [
    ['vaultlab status (build)', [BIN, 'status']],
    ['vaultlab status (sources, tsx)', ['--import', 'tsx', `${root}src/cli/main.ts`, 'status']],
    ['vaultlab --version (build)', [BIN, '--version']],
    ['node -e 0 (Node alone)', ['-e', '0']],
  ];
  if (compare) cases.unshift([`${compare} status`, [compare, 'status']]);
  try {
    process.stdout.write(`${runs} runs each, against ${dev.addr}, ms\n`);
    for (const [name, args] of cases) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(await timeOne(args, env));
      const { min, median, max } = summary(times);
      process.stdout.write(
        `${name.padEnd(36)} median ${median.toFixed(0).padStart(5)}  min ${min.toFixed(0).padStart(5)}  max ${max.toFixed(0).padStart(5)}\n`,
      );
    }
  } finally {
    dev.stop();
  }
  return 0;
}

process.exitCode = await main();
