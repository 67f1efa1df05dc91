/**
 * The bench's child processes (servers, load generators, drill batches, a lab under test),
 * each tracked until it exits so that every way out of a run (done, an error, SIGTERM from a
 * timeout, Ctrl-C, a hang-up) ends them: a child left running holds its caller's pipes open
 * and its ports and memory taken. The children also end themselves when their IPC channel goes.
 */
import { fork, spawn, type ChildProcess, type ForkOptions, type SpawnOptions } from 'node:child_process';

const running = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Kills every child still running (synchronous, so it may run in an 'exit' handler). */
export function endChildren(): void {
  for (const c of running) c.kill('SIGKILL');
  running.clear();
}

/** Ends every child when this process exits or is ended by a signal (exit status 128 + the signal's number). */
export function endChildrenOnExit(): void {
  process.once('exit', endChildren);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)
    process.once(signal, () => {
      endChildren();
      process.exit(code);
    });
}

/** Forks a TypeScript module (through tsx), tracked. */
export function forkTs(file: string, args: string[] = [], o: ForkOptions = {}): ChildProcess {
  return track(fork(file, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], ...o }));
}

/** Spawns a program, tracked. */
export function spawnTracked(command: string, args: string[], o: SpawnOptions = {}): ChildProcess {
  return track(spawn(command, args, { stdio: 'ignore', ...o }));
}

/** Spawns `node ARGS` (a built CLI), tracked. */
export function spawnNode(args: string[], o: SpawnOptions = {}): ChildProcess {
  return spawnTracked(process.execPath, args, o);
}

/**
 * The child's next message of `type`. Rejects, naming `who`, with the child's own reason when it
 * sends `{type: 'failed', message}`, or when it exits first.
 */
export function nextMessage<T>(child: ChildProcess, type: string, who: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (m: { type?: string; message?: string }) => {
      if (m?.type !== type && m?.type !== 'failed') return;
      done();
      if (m.type === 'failed') reject(new Error(`${who}: ${m.message}`));
      else resolve(m as T);
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(new Error(`${who} exited (${signal ?? `code ${code}`}) before answering ${type}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
