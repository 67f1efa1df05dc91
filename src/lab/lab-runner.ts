/**
 * `vaultlab up`: a lab that is ready to use in one call. It starts the cluster on the
 * embedded storage, initializes it (5 shares, threshold 3) or reuses the keys saved by an
 * earlier run, unseals every node unless asked not to, waits for an active node, and
 * opens the control endpoint the other lab verbs talk to. The keys are saved in
 * .vaultlab/init.json: lab keys only, never to be reused for anything real. The control
 * endpoint's secret goes to .vaultlab/control.secret (0600), new on every run.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Timings } from '../ha/index.ts';
import { Cluster } from './cluster.ts';
import { createControlSecret, removeControlSecret } from './control-auth.ts';
import { startControlServer } from './control-server.ts';
import { LabFaults } from './lab-faults.ts';

/** How to start a lab. */
export interface LabOptions {
  nodes?: number;
  storage?: 'level' | 'memory';
  /** Level: fsync every write before acknowledging it. */
  sync?: boolean;
  basePort?: number;
  /** Leave every node sealed (the unseal lesson). */
  sealed?: boolean;
  /** Where keys, data and the lab file go (default .vaultlab). */
  home?: string;
  timings?: Timings;
  /** Control endpoint port (default basePort + 100; 0 = any). */
  controlPort?: number;
}

/** The saved sys/init response. */
export interface LabKeys {
  keys: string[];
  keys_base64: string[];
  root_token: string;
}

/** What `.vaultlab/lab.json` tells the other verbs about a running lab. */
export interface LabFile {
  pid: number;
  control: string;
  nodes: { name: string; apiAddr: string }[];
}

/** A running lab. */
export interface RunningLab {
  cluster: Cluster;
  keys: LabKeys;
  control: string;
  /** True when this run initialized the storage (false: keys reused). */
  freshInit: boolean;
  /** Resolves once the lab has been shut down (by `down` or `close()`). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Reads the lab keys saved by `up`, if any. */
export function readLabKeys(home = '.vaultlab'): LabKeys | undefined {
  const file = join(home, 'init.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LabKeys) : undefined;
}

/** Reads the running lab's file, if any. */
export function readLabFile(home = '.vaultlab'): LabFile | undefined {
  const file = join(home, 'lab.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LabFile) : undefined;
}

function writePrivate(file: string, body: string): void {
  writeFileSync(file, body, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The lab's keys: a fresh init's (saved to init.json), or those init.json kept for storage that outlived a run. */
async function labKeysFor(cluster: Cluster, home: string, storage: string): Promise<LabKeys> {
  const kept = storage === 'level' ? readLabKeys(home) : undefined;
  if (!cluster.nodes[0].node.initialized) {
    const res = await cluster.init(5, 3);
    const keys = { keys: res.keys, keys_base64: res.keysBase64, root_token: res.rootToken };
    writePrivate(join(home, 'init.json'), `${JSON.stringify(keys, null, 2)}\n`);
    return keys;
  }
  if (!kept)
    throw new Error(
      `storage in ${join(home, 'data')} is initialized but ${join(home, 'init.json')} is missing: remove ${home} to start afresh`,
    );
  return kept;
}

/** Starts a lab and leaves it running until `close()`. */
export async function startLab(opts: LabOptions = {}): Promise<RunningLab> {
  const home = opts.home ?? '.vaultlab';
  const storage = opts.storage ?? 'level';
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const basePort = opts.basePort ?? 8200;
  const cluster = await Cluster.start({
    nodes: opts.nodes ?? 3,
    storage,
    sync: opts.sync,
    dir: join(home, 'data'),
    basePort,
    timings: opts.timings,
  });
  try {
    const freshInit = !cluster.nodes[0].node.initialized;
    const keys = await labKeysFor(cluster, home, storage);
    const unsealAll = async () => cluster.unsealAll(keys.keys);
    if (!opts.sealed) {
      await unsealAll();
      await waitFor(
        () => cluster.active() !== undefined,
        cluster.timings.lockTtlMs * 3 + 2000,
        () => whyNoActive(cluster),
      );
    }
    const port = opts.controlPort ?? (basePort === 0 ? 0 : basePort + 100);
    const served = await serveControl(cluster, home, port, unsealAll);
    return { cluster, keys, freshInit, ...served };
  } catch (err) {
    removeControlSecret(home);
    await cluster.close();
    throw err;
  }
}

/** Opens the lab's control endpoint, writes lab.json, and says how to close everything (once). */
async function serveControl(
  cluster: Cluster,
  home: string,
  port: number,
  unsealAll: () => Promise<void>,
): Promise<Pick<RunningLab, 'control' | 'closed' | 'close'>> {
  let closing: Promise<void> | undefined;
  let markClosed!: () => void;
  const closed = new Promise<void>((r) => (markClosed = r));
  const close = () =>
    (closing ??= (async () => {
      removeControlSecret(home);
      await control.close();
      await cluster.close();
      markClosed();
    })());
  // A fresh secret per run: whoever held the last one (a closed dashboard tab, an old shell) holds nothing now.
  const secret = createControlSecret(home);
  const down = async () => void setTimeout(() => void close(), 10);
  const control = await startControlServer({ cluster, faults: new LabFaults(cluster), unsealAll, down }, { port, secret });
  const nodes = cluster.nodes.map((n) => ({ name: n.name, apiAddr: n.apiAddr }));
  const file: LabFile = { pid: process.pid, control: control.url, nodes };
  writePrivate(join(home, 'lab.json'), `${JSON.stringify(file, null, 2)}\n`);
  return { control: control.url, closed, close };
}

async function waitFor(cond: () => boolean, timeoutMs: number, why: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`no node became active within ${timeoutMs} ms: ${why()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Each node's reason for not being active (its campaign's last failure, or its state),
 * nodes with the same reason together, and storage's.
 */
export function whyNoActive(cluster: Cluster): string {
  const byReason = new Map<string, string[]>();
  for (const n of cluster.nodes) {
    const reason = n.node.ha?.campaignFailure()?.reason ?? `${n.node.state}${n.node.state === 'standby' ? ', waiting for the lock' : ''}`;
    byReason.set(reason, [...(byReason.get(reason) ?? []), n.name]);
  }
  const parts = [...byReason].map(([reason, names]) => `${names.join(', ')}: ${reason}`);
  const failing = cluster.storageStatus.failure();
  if (failing) parts.push(`storage: writes failing: ${failing.message}`);
  return parts.join('; ');
}
