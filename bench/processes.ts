/**
 * Starting the server and load processes, talking to them over IPC, and ending them. Every
 * child is tracked until it exits, and endChildren() ends whatever is left: the bench calls
 * it on every way out (done, an error, SIGTERM, Ctrl-C), so no server outlives the run holding
 * its caller's pipes. The children also end themselves when the bench's IPC channel goes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { KeySpace } from './key-spaces.ts';
import type { LoadJob, LoadResult } from './load-process.ts';
import type { ServerReady, ServerStats } from './server-process.ts';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const children = new Set<ChildProcess>();

function forkTracked(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = fork(here(script), [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Kills every child still running (synchronous, so it may run in an 'exit' handler). */
export function endChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

/** The next message of `type` from `child`; rejects with the child's own reason when it reports a failure or exits first. */
function next<T>(child: ChildProcess, type: string, who: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      child.off('message', onMsg);
      child.off('exit', onExit);
    };
    const onMsg = (m: { type: string; message?: string }) => {
      if (m.type !== type && m.type !== 'failed') return;
      done();
      if (m.type === 'failed') reject(new Error(`${who}: ${m.message}`));
      else resolve(m as T);
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(new Error(`${who} exited (${signal ?? `code ${code}`}) before answering ${type}`));
    };
    child.on('message', onMsg);
    child.once('exit', onExit);
  });
}

/** How a server process is started. */
export interface ServerSpec {
  storage: 'memory' | 'level';
  aead: 'node' | 'noble';
  readCache: boolean;
  sync: boolean;
  /** Its first port (0: any free ports). */
  portBase: number;
  /** The secrets its cases touch. */
  preload: readonly KeySpace[];
}

/** A running server process. */
export interface ServerProc {
  ready: ServerReady;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

/** Forks the system under test and waits until it is up and preloaded; rejects with its reason when it fails to start. */
export async function startServer(spec: ServerSpec, who: string): Promise<ServerProc> {
  const child = forkTracked('./server-process.ts', {
    ...process.env,
    BENCH_STORAGE: spec.storage,
    BENCH_AEAD: spec.aead,
    BENCH_READ_CACHE: spec.readCache ? 'on' : 'off',
    BENCH_SYNC: spec.sync ? 'on' : 'off',
    BENCH_PORT_BASE: String(spec.portBase),
    BENCH_PRELOAD: JSON.stringify(spec.preload),
  });
  const ready = await next<ServerReady>(child, 'ready', who);
  return {
    ready,
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

/** Forks the load generator. */
export async function startLoad(): Promise<LoadProc> {
  const child = forkTracked('./load-process.ts', process.env);
  await next(child, 'ready', 'the load generator');
  return {
    run: async (job) => {
      const p = next<{ result: LoadResult }>(child, 'result', 'the load generator');
      child.send(job);
      return (await p).result;
    },
    stop: () => child.kill(),
  };
}
