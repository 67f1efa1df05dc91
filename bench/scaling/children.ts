/**
 * The scaling run's child processes, ended on every exit path: a normal end, an error, Ctrl-C
 * or a SIGTERM from a timeout. A child left running would hold the caller's pipes open and its
 * ports and memory taken.
 */
import { fork, spawn, type ChildProcess, type ForkOptions, type SpawnOptions } from 'node:child_process';

const running = new Set<ChildProcess>();

function endAll(): void {
  for (const c of running) c.kill('SIGKILL');
}

process.once('exit', endAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    endAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });

/** Forks a TypeScript module (through tsx) that is ended with this process. */
export function forkTs(file: string, args: string[], o: ForkOptions = {}): ChildProcess {
  const child = fork(file, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], ...o });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Spawns `node ARGS` (a built CLI), ended with this process. */
export function spawnNode(args: string[], o: SpawnOptions = {}): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: 'ignore', ...o });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** The child's next message of `type`; rejects, naming `what`, if it exits first. */
export function nextMessage<T>(child: ChildProcess, type: string, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type?: string }) => {
      if (m?.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null, signal: string | null) => {
      child.off('message', onMessage);
      reject(new Error(`${what} exited (${signal ?? `code ${code}`}) before sending ${type}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
