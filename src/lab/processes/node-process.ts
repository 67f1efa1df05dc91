/**
 * One lab node as its own operating-system process: `vaultlab server -config=FILE`, its
 * output in a log file beside its config. The lab's verbs become signals, as they would be on
 * a real machine: kill is SIGKILL (no cleanup, the lease runs out in etcd), pause is SIGSTOP
 * and SIGCONT (the process stops between two instructions, timers and all), restart is a new
 * process with a new pid on the same config.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { once } from 'node:events';

/** What the lab shows of a node's process. */
export type ProcessState = 'running' | 'paused' | 'stopped';

/** How to run one node. */
export interface NodeProcessOptions {
  name: string;
  /** The server config the lab wrote for it. */
  configFile: string;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** `vaultlab server -timings` (lab, vault, consul). */
  timings: string;
  /** The API address it will answer on (from its config). */
  apiAddr: string;
  /** bin/vaultlab.js. */
  bin: string;
  /** Where it appends its events (node-event-log.ts). */
  eventLog: string;
  /** How long a start may take before it is a failure (default 30 s). */
  startTimeoutMs?: number;
  /** Hears what happens to the process, in words: `pid 123 started`, `pid 123 exited (SIGKILL)`. */
  report?: (detail: string) => void;
}

/** The last lines of a log, for an error that says why a process would not start. */
export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A node's process: started, signalled, restarted. */
export class NodeProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<unknown> = Promise.resolve();
  private paused = false;

  constructor(readonly o: NodeProcessOptions) {}

  /** The pid of the running process, if any. */
  get pid(): number | undefined {
    return this.state === 'stopped' ? undefined : this.child?.pid;
  }

  /** Whether it runs, is stopped by SIGSTOP, or is gone. */
  get state(): ProcessState {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return 'stopped';
    return this.paused ? 'paused' : 'running';
  }

  /** Starts the process (if not running) and resolves once its API answers. */
  async start(): Promise<void> {
    if (this.state !== 'stopped') return;
    const log = openSync(this.o.logFile, 'a');
    try {
      this.child = spawn(
        process.execPath,
        [
          this.o.bin,
          'server',
          `-config=${this.o.configFile}`,
          `-timings=${this.o.timings}`,
          `-node-name=${this.o.name}`,
          `-event-log=${this.o.eventLog}`,
        ],
        {
          stdio: ['ignore', log, log],
          env: { ...process.env, VAULTLAB_QUIET_ADDR: '1' },
        },
      );
    } finally {
      closeSync(log);
    }
    this.paused = false;
    const child = this.child;
    this.exited = once(child, 'exit').catch(() => undefined);
    const pid = child.pid;
    this.o.report?.(`pid ${pid} started`);
    // Whoever ended it (the lab, or a `kill -9` from a shell): the lab hears it as it happens.
    child.once('exit', (code, signal) => this.o.report?.(`pid ${pid} exited (${signal ?? `code ${code}`})`));
    await this.untilAnswering(child);
  }

  /** SIGKILL, and waits for the exit (a paused process dies too). */
  async kill(): Promise<void> {
    if (this.state === 'stopped') return;
    this.child!.kill('SIGKILL');
    this.paused = false;
    await this.exited;
  }

  /** SIGTERM (the server seals and gives the lock back), SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.state === 'stopped') return;
    if (this.paused) this.resume();
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGSTOP: the process stops where it is; its lease in etcd runs on. */
  pause(): void {
    if (this.state !== 'running') return;
    this.child!.kill('SIGSTOP');
    this.paused = true;
    this.o.report?.(`pid ${this.child!.pid} stopped (SIGSTOP)`);
  }

  /** SIGCONT. */
  resume(): void {
    if (this.state !== 'paused') return;
    this.child!.kill('SIGCONT');
    this.paused = false;
    this.o.report?.(`pid ${this.child!.pid} continued (SIGCONT)`);
  }

  /** Kills what runs and starts a new process on the same config. */
  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** Polls the API until anything answers; the process exiting first, or the timeout, is an error with its log's tail. */
  private async untilAnswering(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + (this.o.startTimeoutMs ?? 30_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${this.o.name} exited (${child.exitCode ?? child.signalCode}) while starting:\n${logTail(this.o.logFile)}`);
      const answered = await fetch(`${this.o.apiAddr}/v1/sys/health`, { signal: AbortSignal.timeout(1000) }).then(
        () => true,
        () => false,
      );
      if (answered) return;
      if (Date.now() > deadline)
        throw new Error(`${this.o.name} did not answer within ${this.o.startTimeoutMs ?? 30_000} ms:\n${logTail(this.o.logFile)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
