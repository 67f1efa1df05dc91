/**
 * `vaultlab bench`: runs bench/run-bench.ts in its own process (the benchmark forks its
 * own server and load processes; the CLI only passes the flags on and waits).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from './package-info.ts';
import type { Run } from './output.ts';

/** Registers `bench`. */
export function registerBench(program: Command, run: Run): void {
  program
    .command('bench')
    .description('measure KV throughput and latency direct vs forwarded vs redirected, and failover times')
    .option('--quick', 'a smoke run (under a minute)')
    .option('--connections <list>', 'comma-separated connection counts (default 1,10)')
    .option('--duration <seconds>', 'seconds per measurement')
    .option('--out <dir>', 'where results.json, results.md and ratios.svg go', 'bench/out')
    .action((o: { quick?: boolean; connections?: string; duration?: string; out: string }) =>
      run(
        () =>
          new Promise<number>((resolve) => {
            // The benchmark runs from its TypeScript sources through tsx, also from the build: it is
            // not part of dist/, and a second of start-up is nothing next to its minutes of load.
            const script = join(packageRoot(), 'bench', 'run-bench.ts');
            const args = ['--import', 'tsx', script, `--out=${o.out}`];
            if (o.quick) args.push('--quick');
            if (o.connections) args.push(`--connections=${o.connections}`);
            if (o.duration) args.push(`--duration=${o.duration}`);
            const child = spawn(process.execPath, args, { stdio: 'inherit' });
            child.on('close', (code) => resolve(code ?? 1));
          }),
      ),
    );
}
