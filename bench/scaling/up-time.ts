/**
 * `vaultlab up` time to three unsealed nodes: the built CLI (bin/vaultlab.js) is spawned with a
 * home of its own, memory storage and ports from the OS, and timed from the spawn until every
 * node of lab.json answers sys/seal-status unsealed and one answers sys/health as active (200),
 * polled every 10 ms. `vaultlab down` ends each run before the next.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { readLabFile, type LabFile } from '../../src/lab/client-door.ts';
import { spawnNode } from '../children.ts';
import { spreadOf, type Spread } from './scaling-stats.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(root, 'bin/vaultlab.js');
/** A run that takes longer than this has failed (a lab that never unseals). */
const LIMIT_MS = 60_000;

/** The up-time figures. */
export interface UpTimeFigures {
  runs: number;
  ms: Spread;
  each: number[];
}

async function answers(url: string): Promise<{ status: number; body: Record<string, unknown> } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } catch {
    return undefined; // not listening yet
  }
}

/** True once every node is unsealed and one of them is active. */
async function readyNow(home: string, nodes: number): Promise<boolean> {
  let lab: LabFile | undefined;
  try {
    lab = readLabFile(home);
  } catch {
    return false; // being written
  }
  if (lab?.nodes.length !== nodes) return false;
  const addrs = lab.nodes.map((n) => n.apiAddr);
  const seals = await Promise.all(addrs.map((a) => answers(`${a}/v1/sys/seal-status`)));
  if (!seals.every((s) => s?.status === 200 && s.body.sealed === false)) return false;
  const health = await Promise.all(addrs.map((a) => answers(`${a}/v1/sys/health`)));
  return health.some((h) => h?.status === 200);
}

/** One run: spawn, poll until ready, then `down` and wait for the lab to exit. */
async function timeOneUp(nodes: number): Promise<number> {
  const home = mkdtempSync(join(tmpdir(), 'vaultlab-uptime-'));
  const env = { ...process.env, VAULTLAB_HOME: home, NO_COLOR: '1' };
  const t0 = performance.now();
  const lab = spawnNode([BIN, 'up', '--nodes', String(nodes), '--storage', 'memory', '--base-port', '0'], { env, cwd: home });
  const exited = new Promise<number | null>((r) => lab.once('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    for (;;) {
      if (gone) throw new Error('vaultlab up exited before its nodes were unsealed');
      if (await readyNow(home, nodes)) return performance.now() - t0;
      if (performance.now() - t0 > LIMIT_MS) throw new Error(`vaultlab up: ${nodes} nodes not unsealed within ${LIMIT_MS} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    const down = spawnNode([BIN, 'down'], { env, cwd: home });
    await new Promise((r) => down.once('exit', r));
    if (!gone) await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (!gone) lab.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  }
}

/** Times `runs` starts of a lab of `nodes` nodes, one after the other. */
export async function measureUpTime(runs: number, nodes: number, onProgress: (line: string) => void): Promise<UpTimeFigures> {
  if (!existsSync(join(root, 'dist'))) throw new Error('no build to time: run npm run build first');
  const each: number[] = [];
  for (let i = 0; i < runs; i++) {
    each.push(await timeOneUp(nodes));
    onProgress(`vaultlab up run ${i + 1}/${runs}: ${nodes} nodes unsealed with an active in ${Math.round(each[i])} ms`);
  }
  return { runs, ms: spreadOf(each), each };
}
