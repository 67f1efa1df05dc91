/**
 * `vaultlab up --processes`: the process lab made ready in one call, as `up` makes an
 * in-process one (lab-runner.ts): the home's lock, etcd and the node processes, the keys (a
 * fresh init, or the ones init.json kept), every node unsealed unless asked not to, an active
 * node, then the control endpoint and lab.json. Closing stops the nodes, then etcd, and
 * removes only the files this run owns; etcd's data stays, as level's does.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createControlSecret, removeControlSecret } from '../control-auth.ts';
import { LAB_FILE, releaseLabLock, takeLabLock, writePrivate, type LabFile, type LabKeys } from '../lab-files.ts';
import { controlPort } from '../port-plan.ts';
import { nodeCall } from './node-http.ts';
import { ProcessFaults } from './process-faults.ts';
import { ProcessLab, type ProcessLabOptions } from './process-lab.ts';
import { startProcessControl } from './process-control.ts';
import { processLabKeys, unsealProcesses } from './process-keys.ts';

/** How to start a process lab, and whether to leave it sealed. */
export interface ProcessRunOptions extends ProcessLabOptions {
  sealed?: boolean;
  /** Control endpoint port (default basePort + 9; 0 = any). */
  controlPort?: number;
}

/** A running process lab. */
export interface RunningProcessLab {
  lab: ProcessLab;
  keys: LabKeys;
  control: string;
  note?: string;
  /** Milliseconds from the call to a lab up, unsealed and with an active node. */
  readyMs: number;
  closed: Promise<void>;
  close(): Promise<void>;
}

function removeOwnFiles(home: string): void {
  removeControlSecret(home);
  rmSync(join(home, LAB_FILE), { force: true });
  releaseLabLock(home);
}

/** Waits until a node is active; the error says what each node says instead. */
async function untilActive(lab: ProcessLab, timeoutMs: number): Promise<void> {
  if (await lab.untilActive(timeoutMs)) return;
  const leaders = await Promise.all(lab.nodes.map((n) => nodeCall(n.o.apiAddr, 'GET', 'sys/leader')));
  const said = lab.nodes.map((n, i) => `${n.o.name}: ${leaders[i] ? JSON.stringify(leaders[i]!.body) : 'no answer'}`);
  throw new Error(`no node became active within ${timeoutMs} ms (${said.join('; ')})`);
}

/** Starts a process lab and leaves it running until `close()`. */
export async function startProcessLab(o: ProcessRunOptions): Promise<RunningProcessLab> {
  const started = Date.now();
  mkdirSync(o.home, { recursive: true, mode: 0o700 });
  const { note } = takeLabLock(o.home);
  let lab: ProcessLab | undefined;
  try {
    lab = await ProcessLab.start(o);
    const l = lab;
    const keys = await processLabKeys(l.nodes[0], o.home);
    const unsealAll = () => unsealProcesses(l.nodes, keys.keys);
    if (!o.sealed) {
      await unsealAll();
      await untilActive(l, l.timings.lockTtlMs * 3 + 10_000);
    }
    const readyMs = Date.now() - started;
    const faults = new ProcessFaults(l, () => keys.root_token);
    let closing: Promise<void> | undefined;
    let markClosed!: () => void;
    const closed = new Promise<void>((r) => (markClosed = r));
    const close = () =>
      (closing ??= (async () => {
        faults.close();
        await control.close();
        await l.close();
        removeOwnFiles(o.home);
        markClosed();
      })());
    const secret = createControlSecret(o.home);
    const down = async () => void setTimeout(() => void close(), 10);
    const control = await startProcessControl({ lab: l, faults, unsealAll, down }, o.controlPort ?? controlPort(o.basePort), secret);
    const file: LabFile = {
      pid: process.pid,
      control: control.url,
      storage: o.storage,
      processes: true,
      nodes: l.nodes.map((n) => ({ name: n.o.name, apiAddr: n.o.apiAddr })),
    };
    writePrivate(join(o.home, LAB_FILE), `${JSON.stringify(file, null, 2)}\n`);
    return { lab: l, keys, control: control.url, note, readyMs, closed, close };
  } catch (err) {
    await lab?.close();
    removeOwnFiles(o.home);
    throw err;
  }
}
