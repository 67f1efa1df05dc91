/**
 * `vaultlab bench`: runs bench/run-bench.ts in its own process (the benchmark forks its
 * own server and load processes; the CLI only passes the flags on and waits). The benchmark
 * checks the flags' values itself, before it starts anything. A SIGINT or SIGTERM sent to
 * the CLI is passed on, so the benchmark ends its servers before the CLI returns.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from './package-info.ts';
import { UsageError, type Run } from './output.ts';

interface BenchFlags {
  quick?: boolean;
  matrix?: boolean;
  connections?: string;
  duration?: string;
  portBase?: string;
  cases?: string;
  storages?: string;
  apiTls?: string;
  out: string;
}

/** Where results go unless --out says otherwise. */
const DEFAULT_OUT = 'bench/out';

/** The flags the matrix takes; the others belong to the KV benchmark and are refused beside --matrix. */
const MATRIX_FLAGS: ReadonlyArray<keyof BenchFlags> = ['quick', 'matrix', 'duration', 'out'];

/** The matrix's arguments: its own output folder unless one is given. */
function matrixArgs(o: BenchFlags): string[] {
  const stray = (Object.keys(o) as Array<keyof BenchFlags>).find((k) => o[k] !== undefined && !MATRIX_FLAGS.includes(k));
  if (stray)
    throw new UsageError(
      `--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not go with --matrix (it takes --quick, --duration and --out)`,
    );
  const args = [`--out=${o.out === DEFAULT_OUT ? join(DEFAULT_OUT, 'matrix') : o.out}`];
  if (o.quick) args.push('--quick');
  if (o.duration) args.push(`--duration=${o.duration}`);
  return args;
}

/** The benchmark's arguments from the CLI's flags. */
function benchArgs(o: BenchFlags): string[] {
  const args = [`--out=${o.out}`];
  if (o.quick) args.push('--quick');
  if (o.connections) args.push(`--connections=${o.connections}`);
  if (o.duration) args.push(`--duration=${o.duration}`);
  if (o.portBase !== undefined) args.push(`--port-base=${o.portBase}`);
  if (o.cases) args.push(`--cases=${o.cases}`);
  if (o.storages) args.push(`--storages=${o.storages}`);
  if (o.apiTls !== undefined) args.push(`--api-tls=${o.apiTls}`);
  return args;
}

/** Runs the benchmark; resolves with its exit code (128 + the signal's number when a signal ended it). */
function runBenchmark(o: BenchFlags): Promise<number> {
  return new Promise<number>((resolve) => {
    // The benchmark runs from its TypeScript sources through tsx, also from the build: it is
    // not part of dist/, and a second of start-up is nothing next to its minutes of load.
    const script = o.matrix ? join(packageRoot(), 'bench', 'matrix', 'run-matrix.ts') : join(packageRoot(), 'bench', 'run-bench.ts');
    const args = o.matrix ? matrixArgs(o) : benchArgs(o);
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
    const pass = (signal: NodeJS.Signals) => child.kill(signal);
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, pass);
    child.on('close', (code, signal) => {
      for (const s of signals) process.off(s, pass);
      resolve(code ?? (signal ? 128 + constants.signals[signal] : 1));
    });
  });
}

/** Registers `bench`. */
export function registerBench(program: Command, run: Run): void {
  program
    .command('bench')
    .description('measure KV throughput and latency direct vs forwarded vs redirected, and failover times')
    .option('--quick', 'a smoke run (under a minute; with --matrix under two)')
    .option(
      '--matrix',
      'the forwarding-vs-redirect matrix: direct, forwarded, redirected and through the balancer, across client and node distances, TLS and connection reuse, against the cost model (about 8 minutes)',
    )
    .option('--connections <list>', 'only these connection counts, comma-separated (default: each case its own, 10 and for some 1)')
    .option('--duration <seconds>', 'seconds per measurement')
    .option(
      '--port-base <port>',
      'first of the 1700 ports the bench uses: server process k takes port-base + 100·k … + 99, the failover cluster the last range (default 0: any free ports)',
    )
    .option('--cases <list>', 'only these cases, comma-separated (then no failover or timing profiles)')
    .option('--storages <list>', 'only these storages: memory, level (default: memory when --quick, else both)')
    .option(
      '--api-tls <modes>',
      'serve the API in plain HTTP (off), over TLS from a throwaway CA (on), or both (off,on: each case in each mode, back to back) (default: off)',
    )
    .option('--out <dir>', 'where results.json, results.md and ratios.svg go (the matrix: bench/out/matrix)', DEFAULT_OUT)
    .action((o: BenchFlags) => run(() => runBenchmark(o)));
}
