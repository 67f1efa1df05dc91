/**
 * A lab in its own process (`vaultlab up` through bin/vaultlab.js), for tests that must
 * kill it for real: SIGKILL takes the whole process down between two instructions, which
 * no in-process `kill` can imitate (open file handles, half-written LevelDB logs).
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCli } from './run-cli.ts';

/** A running `vaultlab up` child. */
export interface LabProcess {
  child: ChildProcess;
  /** The first node's API address. */
  apiAddr: string;
  /** The lab's root token (from the saved init.json). */
  token: string;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number>;
}

/**
 * Starts `vaultlab up` with its home in `dir` (keys and level data there) on ports from the
 * OS; resolves once it is initialized or unsealed with the saved keys, and active.
 */
export async function startLabProcess(dir: string, nodes = 1): Promise<LabProcess> {
  const home = join(dir, '.vaultlab');
  const lab = startCli(
    ['up', '--nodes', String(nodes), '--storage', 'level', '--base-port', '0'],
    /Lab control:/,
    { VAULTLAB_HOME: home },
    dir,
  );
  await lab.up;
  // lab.json is rewritten before the banner is printed, so it names this run's ports, not a killed run's.
  const file = JSON.parse(readFileSync(join(home, 'lab.json'), 'utf8')) as { nodes: { apiAddr: string }[] };
  const keys = JSON.parse(readFileSync(join(home, 'init.json'), 'utf8')) as { root_token: string };
  return { child: lab.child, apiAddr: file.nodes[0].apiAddr, token: keys.root_token, exited: lab.exited };
}
