/** The scaling server and the load generators, as child processes ended with this one (../children.ts). */
import { fileURLToPath } from 'node:url';
import { forkTs, nextMessage } from '../children.ts';
import { startLoad, type LoadProc } from '../processes.ts';
import type { ScalingReady, ScalingStats } from './scaling-server.ts';

/** How many secrets the scaling server preloads (k0 … k999): all of them fit in the active's read cache. */
export const PRELOADED_KEYS = 1000;

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** A running scaling server. */
export interface ScalingServer {
  ready: ScalingReady;
  /** Its CPU time, its RSS now, and its peak RSS since the previous call. */
  stats(): Promise<ScalingStats>;
  stop(): Promise<void>;
}

/** Forks a cluster of `nodes` nodes with its preload, and waits until it is ready. */
export async function startScalingServer(nodes: number): Promise<ScalingServer> {
  const child = forkTs(here('./scaling-server.ts'), [], { env: { ...process.env, BENCH_NODES: String(nodes) } });
  const what = `the ${nodes}-node scaling server`;
  const ready = await nextMessage<ScalingReady>(child, 'ready', what);
  return {
    ready,
    stats: () => {
      const answer = nextMessage<ScalingStats>(child, 'stats', what);
      child.send({ type: 'stats' });
      return answer;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

/** Starts `count` load generators, so jobs can run side by side, each on its own event loop. */
export function startLoadGenerators(count: number): Promise<LoadProc[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startLoad(`load generator ${i + 1}`)));
}
