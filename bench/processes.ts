/** Starting the server and load processes and talking to them over IPC (children.ts tracks and ends them). */
import { fileURLToPath } from 'node:url';
import { forkTs, nextMessage as next } from './children.ts';
import type { KeySpace } from './key-spaces.ts';
import type { LoadJob, LoadResult } from './load-process.ts';
import type { ServerReady, ServerStats } from './server-process.ts';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const forkTracked = (script: string, env: NodeJS.ProcessEnv, nodeFlags: string[] = []) =>
  forkTs(here(script), [], { env, execArgv: [...nodeFlags, '--import', 'tsx'] });

/** How a server process is started. */
export interface ServerSpec {
  storage: 'memory' | 'level';
  aead: 'node' | 'noble';
  readCache: boolean;
  sync: boolean;
  /** Every node's API (and the bare route) over TLS from a CA of the server's own. */
  apiTls: boolean;
  /** Its first port (0: any free ports). */
  portBase: number;
  /** The secrets its cases touch. */
  preload: readonly KeySpace[];
  /** Extra node flags (a profiler's), before tsx. */
  nodeFlags?: string[];
}

/** A running server process. */
export interface ServerProc {
  ready: ServerReady;
  pid: number;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

/** Forks the system under test and waits until it is up and preloaded; rejects with its reason when it fails to start. */
export async function startServer(spec: ServerSpec, who: string): Promise<ServerProc> {
  const child = forkTracked(
    './server-process.ts',
    {
      ...process.env,
      BENCH_STORAGE: spec.storage,
      BENCH_AEAD: spec.aead,
      BENCH_READ_CACHE: spec.readCache ? 'on' : 'off',
      BENCH_SYNC: spec.sync ? 'on' : 'off',
      BENCH_API_TLS: spec.apiTls ? 'on' : 'off',
      BENCH_PORT_BASE: String(spec.portBase),
      BENCH_PRELOAD: JSON.stringify(spec.preload),
    },
    spec.nodeFlags,
  );
  const ready = await next<ServerReady>(child, 'ready', who);
  return {
    ready,
    pid: child.pid!,
    stats: () => {
      const p = next<ServerStats>(child, 'stats', who);
      child.send({ type: 'stats' });
      return p;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

/** A running load generator. */
export interface LoadProc {
  run(job: LoadJob): Promise<LoadResult>;
  stop(): void;
}

/** Forks a load generator (`who` names it in errors). */
export async function startLoad(who = 'the load generator'): Promise<LoadProc> {
  const child = forkTracked('./load-process.ts', process.env);
  await next(child, 'ready', who);
  return {
    run: async (job) => {
      const p = next<{ result: LoadResult }>(child, 'result', who);
      child.send(job);
      return (await p).result;
    },
    stop: () => child.kill(),
  };
}
