/** Starting the server and load processes and talking to them over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadResult } from './load-process.ts';
import type { ServerReady } from './server-process.ts';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

function next<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: { type: string }) => {
      if (m.type !== type) return;
      child.off('message', onMsg);
      child.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number) => reject(new Error(`${type}: child exited with ${code}`));
    child.on('message', onMsg);
    child.once('exit', onExit);
  });
}

/** A running server process. */
export interface ServerProc {
  ready: ServerReady;
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

/** Forks the system under test with a storage, an AEAD engine, the active's read cache on or off, and level's fsync on or off. */
export async function startServer(
  storage: 'memory' | 'level',
  aead: 'node' | 'noble',
  readCache: boolean,
  sync = false,
): Promise<ServerProc> {
  const env = {
    ...process.env,
    BENCH_STORAGE: storage,
    BENCH_AEAD: aead,
    BENCH_READ_CACHE: readCache ? 'on' : 'off',
    BENCH_SYNC: sync ? 'on' : 'off',
  };
  const child = fork(here('./server-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await next<ServerReady>(child, 'ready');
  return {
    ready,
    cpuMicros: async () => {
      const p = next<{ usage: NodeJS.CpuUsage }>(child, 'cpu');
      child.send({ type: 'cpu' });
      const { usage } = await p;
      return usage.user + usage.system;
    },
    stop: async () => {
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
  const child = fork(here('./load-process.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await next(child, 'ready');
  return {
    run: async (job) => {
      const p = next<{ result: LoadResult }>(child, 'result');
      child.send(job);
      return (await p).result;
    },
    stop: () => child.kill(),
  };
}
