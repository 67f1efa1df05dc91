/**
 * `vaultlab up`: a lab that is ready to use in one call. It takes the home's lock (one lab
 * per home), starts the cluster on the embedded storage, initializes it (5 shares,
 * threshold 3) or reuses the keys saved by an earlier run, unseals every node unless asked
 * not to, waits for an active node, and opens the control endpoint the other lab verbs talk
 * to. The keys are saved in .vaultlab/init.json: lab keys only, never to be reused for
 * anything real. The control endpoint's secret goes to .vaultlab/control.secret (0600), new
 * on every run. On close it removes only the files this run owns (lab-files.ts).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Timings } from '../ha/index.ts';
import type { Topology } from '../net/index.ts';
import { Cluster } from './cluster.ts';
import { createControlSecret, removeControlSecret } from './control-auth.ts';
import { startControlServer } from './control-server.ts';
import {
  DATA_DIR,
  HAPROXY_DIR,
  KEYS_FILE,
  LAB_FILE,
  releaseLabLock,
  removeLabTls,
  takeLabLock,
  writePrivate,
  type LabFile,
  type LabKeys,
} from './lab-files.ts';
import { checkKeysFree, labKeysFor, unsealEach } from './lab-keys.ts';
import { LabFaults } from './lab-faults.ts';
import { labNodeNames } from './lab-node.ts';
import { balancerPort, controlPort } from './port-plan.ts';
import type { BalancerChoice } from './up-options.ts';

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
  /** Control endpoint port (default basePort + 9, see port-plan.ts; 0 = any). */
  controlPort?: number;
  /** Serve every node's API over HTTPS with certificates from a lab CA made for this run (lab-tls.ts). */
  tls?: boolean;
  /** Put the nodes in this topology's zones, every connection through its links (lab-network.ts). */
  topology?: Topology;
  /** A load balancer in front of the nodes, on the port plan's balancer port (lab-balancer.ts). */
  balancer?: BalancerChoice;
}

/** A running lab. */
export interface RunningLab {
  cluster: Cluster;
  keys: LabKeys;
  control: string;
  /** With TLS: the absolute path of the lab CA's certificate (VAULT_CACERT). */
  caFile?: string;
  /** What taking the home's lock said (a stale lock taken over), if anything. */
  note?: string;
  /** Resolves once the lab has been shut down (by `down` or `close()`). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Removes the files this run owns: its lab file, its secret, the keys of its memory storage (if it wrote them), and last its lock. */
function removeOwnFiles(home: string, ownsKeys: boolean): void {
  removeControlSecret(home);
  removeLabTls(home);
  rmSync(join(home, LAB_FILE), { force: true });
  if (ownsKeys) rmSync(join(home, KEYS_FILE), { force: true });
  releaseLabLock(home);
}

/** Starts a lab and leaves it running until `close()`. Refuses (changing nothing) a home whose lab is running. */
export async function startLab(opts: LabOptions = {}): Promise<RunningLab> {
  const home = opts.home ?? '.vaultlab';
  const storage = opts.storage ?? 'level';
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const { note } = takeLabLock(home);
  let cluster: Cluster | undefined;
  // A memory lab's keys unlock nothing once it is gone: they leave with it.
  let ownsKeys = false;
  try {
    checkKeysFree(home, storage);
    const basePort = opts.basePort ?? 8200;
    const dir = join(home, DATA_DIR);
    const nodes = opts.nodes ?? 3;
    const names = labNodeNames(nodes);
    // Imported here: only a TLS lab loads the X.509 library.
    const tls = opts.tls ? await (await import('./lab-tls.ts')).makeLabTls(home, names) : undefined;
    const { timings, topology } = opts;
    const balancer = opts.balancer && {
      ...opts.balancer,
      port: balancerPort(basePort),
      dir: join(home, HAPROXY_DIR),
      caFile: tls?.caFile,
    };
    cluster = await Cluster.start({ nodes, storage, sync: opts.sync, dir, basePort, timings, apiTls: tls?.nodes, topology, balancer });
    const c = cluster;
    const keys = await labKeysFor(c, home, storage);
    ownsKeys = storage === 'memory';
    const unsealAll = async () => unsealEach(c, keys.keys);
    if (!opts.sealed) {
      await c.unsealAll(keys.keys);
      await waitFor(
        () => c.active() !== undefined,
        c.timings.lockTtlMs * 3 + 2000,
        () => whyNoActive(c),
      );
    }
    const port = opts.controlPort ?? controlPort(basePort);
    const served = await serveControl(c, { home, storage, caFile: tls?.caFile }, port, unsealAll, keys.keys);
    return { cluster: c, keys, note, caFile: tls?.caFile, ...served };
  } catch (err) {
    await cluster?.close();
    removeOwnFiles(home, ownsKeys);
    throw err;
  }
}

/** Opens the lab's control endpoint, writes lab.json, and says how to close everything (once). */
async function serveControl(
  cluster: Cluster,
  { home, storage, caFile }: { home: string; storage: 'level' | 'memory'; caFile?: string },
  port: number,
  unsealAll: () => Promise<unknown>,
  shares: readonly string[],
): Promise<Pick<RunningLab, 'control' | 'closed' | 'close'>> {
  let closing: Promise<void> | undefined;
  let markClosed!: () => void;
  const closed = new Promise<void>((r) => (markClosed = r));
  const close = () =>
    (closing ??= (async () => {
      await control.close();
      await cluster.close();
      removeOwnFiles(home, storage === 'memory');
      markClosed();
    })());
  // A fresh secret per run: whoever held the last one (a closed dashboard tab, an old shell) holds nothing now.
  const secret = createControlSecret(home);
  const down = async () => void setTimeout(() => void close(), 10);
  const control = await startControlServer({ cluster, faults: new LabFaults(cluster), unsealAll, down, shares }, { port, secret });
  const nodes = cluster.nodes.map((n) => ({ name: n.name, apiAddr: n.apiAddr, zone: n.zone }));
  const topology = cluster.network?.topology.name;
  const lb = cluster.balancer;
  const balancer = lb && { url: lb.url, kind: lb.balancer.kind, mode: lb.balancer.mode, configFile: lb.configFile };
  const file: LabFile = { pid: process.pid, control: control.url, storage, caCert: caFile, topology, nodes, balancer };
  writePrivate(join(home, LAB_FILE), `${JSON.stringify(file, null, 2)}\n`);
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
