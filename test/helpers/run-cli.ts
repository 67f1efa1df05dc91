/** Runs `node bin/vaultlab.js …` as a user would, and collects its exit code and output. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/vaultlab.js', import.meta.url));

/** The result of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <argv…>` and collects its exit code and output; `env` replaces the environment when given
 * (the child inherits this one's otherwise).
 */
export function runNode(argv: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The environment of a CLI run: no address banner, no colour, then the caller's variables. */
function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, VAULTLAB_QUIET_ADDR: '1', NO_COLOR: '1', ...env };
}

/** Spawns the CLI with extra environment and an optional cwd; resolves when it exits. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<CliResult> {
  return runNode([BIN, ...args], { env: cliEnv(env), cwd });
}

/** Spawns a long-running CLI command; resolves once `ready` matches its stdout. */
export function startCli(args: string[], ready: RegExp, env: Record<string, string> = {}, cwd?: string) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const up = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (ready.test(stdout)) resolve(stdout);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => reject(new Error(`exited ${code} before ready: ${stdout}\n${stderr}`)));
  });
  const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { child, up, exited, output: () => ({ stdout, stderr }) };
}
