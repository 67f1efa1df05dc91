/**
 * A lab whose nodes are separate processes (`vaultlab up --processes`): each node is its own
 * `vaultlab server -config`, on a real etcd cluster the lab starts from Debian's binary (or one
 * the user names), or on level for a lone node. The lab process only supervises: it writes
 * the configs, starts and signals the processes, initializes and unseals over the nodes' own
 * API as an operator would, and reads etcd for the lock. Nothing of a node runs in it, so a
 * SIGKILL or SIGSTOP of a node is exactly that, and one node's stall stalls no other.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Timings } from '../../ha/index.ts';
import { TcpLink, type LinkFaults } from '../../net/index.ts';
import { createEtcdBackend, type EtcdBackend } from '../../storage/index.ts';
import { EtcdCluster } from '../etcd/index.ts';
import { freePort } from '../balancer/free-port.ts';
import type { LabStatus } from '../lab-status.ts';
import { Timeline } from '../timeline.ts';
import { ETCD_DIR, PROCESSES_DIR } from '../lab-files.ts';
import { labNodeName } from '../lab-node.ts';
import { nodeApiPort, nodeClusterPort, NODE_PORT_STRIDE } from '../port-plan.ts';
import { etcdPortsFor, keepEtcdPorts } from './etcd-ports.ts';
import { nodeConfigHcl, type NodeStorage } from './node-config.ts';
import { isActive } from './node-http.ts';
import { NodeProcess } from './node-process.ts';
import { processLabStatus } from './process-status.ts';
import { vaultlabBin } from './vaultlab-bin.ts';

/** The key prefix of a process lab's data in etcd (Vault's default path). */
export const PROCESS_LAB_PREFIX = '/vault/';
/** Members of the etcd the lab starts: the smallest cluster that survives one loss. */
export const ETCD_MEMBERS = 3;

/** How to start a process lab. */
export interface ProcessLabOptions {
  nodes: number;
  storage: 'etcd' | 'level';
  /** An etcd the user runs (its client URLs); none: the lab starts its own. */
  etcdUrls?: readonly string[];
  home: string;
  /** The port plan's base (0: any free ports). */
  basePort: number;
  host?: string;
  /** The timings profile's name, handed to each `vaultlab server -timings`, and its durations. */
  profile: string;
  timings: Timings;
}

/** Links a node's decade has room for (+4 … +7; +8 and +9 are the balancer's and the control endpoint's in the first). */
const PLANNED_LINKS = 4;

/** Node i's link to etcd member k: in its decade, above etcd's own ports (+2, +3); beyond four members, a free port. */
function linkPort(base: number, node: number, member: number): number {
  return base === 0 || member >= PLANNED_LINKS ? 0 : base + NODE_PORT_STRIDE * node + 4 + member;
}

/**
 * Node i's links to etcd: one TCP proxy per member, which the node's config names instead of
 * the member, so the lab can cut one node from etcd (`fault link NODE etcd partition`) as a
 * network would, while the others keep theirs.
 */
async function openEtcdLinks(endpoints: readonly string[], base: number, node: number, host: string): Promise<TcpLink[]> {
  const links: TcpLink[] = [];
  for (const [k, url] of endpoints.entries()) {
    const target = new URL(url);
    links.push(
      await TcpLink.open({ target: { host: target.hostname, port: Number(target.port) }, listen: { host, port: linkPort(base, node, k) } }),
    );
  }
  return links;
}

async function port(base: number, planned: number, host: string): Promise<number> {
  return base === 0 ? freePort(host) : planned;
}

/** A running process lab. */
export class ProcessLab {
  private readonly killAll = () => this.nodes.forEach((n) => n.pid !== undefined && process.kill(n.pid, 'SIGKILL'));

  private constructor(
    readonly nodes: readonly NodeProcess[],
    readonly endpoints: readonly string[],
    readonly timings: Timings,
    readonly etcd: EtcdCluster | undefined,
    /** The lab's own client of the nodes' etcd (the lock's holder, for status). */
    readonly storage: EtcdBackend | undefined,
    /** Each node's links to etcd's members, by node name (none on level). */
    private readonly links: ReadonlyMap<string, readonly TcpLink[]>,
    /**
     * What the lab did and saw of its processes: faults, signals, exits. What each node saw
     * itself (its state, the lock) is in its event log; the dashboard merges the two.
     */
    readonly timeline: Timeline,
  ) {
    // The lab's nodes must not outlive it, even when it dies of an error.
    process.on('exit', this.killAll);
  }

  /** Starts etcd (unless given), writes each node's config, and starts every node; they come up uninitialized or sealed. */
  static async start(o: ProcessLabOptions): Promise<ProcessLab> {
    if (o.storage === 'level' && o.nodes !== 1)
      throw new Error(
        `level storage opens in one process only, so a process lab on it has exactly one node, not ${o.nodes}: use --storage etcd for more`,
      );
    const host = o.host ?? '127.0.0.1';
    const dir = join(o.home, PROCESSES_DIR);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let etcd: EtcdCluster | undefined;
    let storage: EtcdBackend | undefined;
    const links = new Map<string, TcpLink[]>();
    const timeline = new Timeline();
    try {
      let endpoints: string[] = [];
      if (o.storage === 'etcd') {
        const etcdDir = join(o.home, ETCD_DIR);
        etcd = o.etcdUrls
          ? undefined
          : await EtcdCluster.start({ members: ETCD_MEMBERS, dir: etcdDir, host, ports: etcdPortsFor(etcdDir, o.basePort, ETCD_MEMBERS) });
        if (etcd) keepEtcdPorts(etcdDir, etcd.members);
        endpoints = o.etcdUrls ? [...o.etcdUrls] : etcd!.endpoints();
        // A short deadline: status reads the lock through it, and must answer while etcd has lost its quorum.
        storage = await createEtcdBackend({ endpoints, prefix: PROCESS_LAB_PREFIX, sync: false, requestTimeoutMs: 1000 });
      }
      const bin = vaultlabBin();
      const nodes: NodeProcess[] = [];
      for (let i = 0; i < o.nodes; i++) {
        const name = labNodeName(i);
        if (o.storage === 'etcd') links.set(name, await openEtcdLinks(endpoints, o.basePort, i, host));
        const viaLinks = (links.get(name) ?? []).map((l) => `http://${l.address.host}:${l.address.port}`);
        const node: NodeStorage =
          o.storage === 'etcd'
            ? { type: 'etcd', endpoints: viaLinks, prefix: PROCESS_LAB_PREFIX, lockTimeoutMs: o.timings.lockTtlMs }
            : { type: 'level', path: join(o.home, 'data') };
        const api = await port(o.basePort, nodeApiPort(o.basePort, i), host);
        const cluster = await port(o.basePort, nodeClusterPort(o.basePort, i), host);
        const configFile = join(dir, `${name}.hcl`);
        writeFileSync(configFile, nodeConfigHcl(name, host, api, cluster, node), { mode: 0o600 });
        nodes.push(
          new NodeProcess({
            name,
            configFile,
            logFile: join(dir, `${name}.log`),
            eventLog: join(dir, `${name}.events.jsonl`),
            timings: o.profile,
            apiAddr: `http://${host}:${api}`,
            bin,
            report: (detail) => timeline.add({ time: Date.now(), node: name, type: 'process', detail }),
          }),
        );
      }
      const lab = new ProcessLab(nodes, endpoints, o.timings, etcd, storage, links, timeline);
      try {
        await Promise.all(nodes.map((n) => n.start()));
      } catch (err) {
        await lab.close();
        throw err;
      }
      return lab;
    } catch (err) {
      await Promise.all([...links.values()].flat().map((l) => l.close()));
      await storage?.close();
      await etcd?.close();
      throw err;
    }
  }

  /** Sets the faults of `node`'s links to etcd (a partition, added latency...); {} heals them. */
  setEtcdLinkFaults(node: string, faults: LinkFaults): void {
    for (const link of this.links.get(node) ?? []) link.setFaults(faults);
  }

  /** The faults on `node`'s links to etcd now ({} when none). */
  etcdLinkFaults(node: string): LinkFaults {
    return this.links.get(node)?.[0]?.faults ?? {};
  }

  /** The running node that serves as the active now (its sys/health answers 200), if any. */
  async active(): Promise<NodeProcess | undefined> {
    const running = this.nodes.filter((n) => n.state === 'running');
    const answers = await Promise.all(running.map((n) => isActive(n.o.apiAddr)));
    return running.find((_, i) => answers[i]);
  }

  /** Waits up to `timeoutMs` for an active node; undefined when none came. */
  async untilActive(timeoutMs: number): Promise<NodeProcess | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const active = await this.active();
      if (active || Date.now() > deadline) return active;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The node process by name, or undefined. */
  node(name: string): NodeProcess | undefined {
    return this.nodes.find((n) => n.o.name === name);
  }

  /** `status --all`. */
  status(): Promise<LabStatus> {
    return processLabStatus({
      nodes: this.nodes,
      linkFaults: (node) => this.etcdLinkFaults(node),
      storage: this.storage,
      etcd: this.etcd,
      endpoints: this.endpoints,
      timings: this.timings,
    });
  }

  /** Stops every node (SIGTERM: each seals and gives the lock back), then the lab's etcd. */
  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
    process.off('exit', this.killAll);
    await Promise.all([...this.links.values()].flat().map((l) => l.close()));
    await this.storage?.close();
    await this.etcd?.close();
  }
}
