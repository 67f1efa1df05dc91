/**
 * The composition root of an HA lab: N nodes in one process on one shared HA backend
 * (each built as lab-node.ts says: API on 127.0.0.1:8200, 8210, ..., cluster listener one
 * port up), and one timeline of what happened.
 * Lab actions (kill, restart, seal, step-down) act on nodes directly, bypassing the API.
 */
import { mkdirSync } from 'node:fs';
import { RealClock, type Clock } from '../clock/index.ts';
import { EchoBoard, LAB_TIMINGS, type Timings } from '../ha/index.ts';
import type { InitResult, NodeState } from '../node/index.ts';
import type { Topology } from '../net/index.ts';
import { createBackend, isHABackend, noFaults, type AbstractBackend, type StorageFaults } from '../storage/index.ts';
import { balancerUrl, openLabBalancer, SOCKETLESS_BALANCER_URL, type LabBalancer, type LabBalancerOptions } from './lab-balancer.ts';
import { LabNetwork } from './lab-network.ts';
import { buildLabNode, labNodeNames, type LabNode, type LabNodeOptions, type LabNodeShared } from './lab-node.ts';
import { StorageStatus } from './storage-status.ts';
import { Timeline } from './timeline.ts';
import { describeTopology } from './topology-words.ts';

/** How to build a lab. */
export interface ClusterOptions extends LabNodeOptions {
  nodes?: number;
  storage?: 'level' | 'memory';
  /** Directory of the level backend (default .vaultlab/data). */
  dir?: string;
  host?: string;
  timings?: Timings;
  clock?: Clock;
  /** The random source of storage faults (seeded in drills). */
  random?: () => number;
  /** Level only: fsync every write before acknowledging it (default false). */
  sync?: boolean;
  /** An open backend to run on instead of opening `storage` (a test's disk that fills up); the cluster closes it. */
  backend?: AbstractBackend;
  /**
   * Where the nodes sit and how far apart: every client → node, node → node and node → storage
   * connection then goes through a link of it (lab-network.ts). None (the default): no links at all.
   */
  topology?: Topology;
  /** A load balancer in front of the nodes (lab-balancer.ts); without sockets, one the drill clients ask where to go. */
  balancer?: LabBalancerOptions;
}

/** A running HA lab. */
export class Cluster {
  readonly timeline = new Timeline();
  /** Latency, jitter and error rate applied to every node's storage calls. */
  readonly storageFaults: StorageFaults;
  /** Where standbys echo to the active (sys/ha-status), standing in for Vault's cluster channel. */
  private readonly echoes = new EchoBoard();
  /** Which storage, its start-up warnings, and whether it fails writes now. */
  readonly storageStatus: StorageStatus;
  /** The load balancer in front of the nodes, when the lab has one. */
  balancer: LabBalancer | undefined;

  private constructor(
    readonly nodes: LabNode[],
    readonly backend: AbstractBackend,
    readonly timings: Timings,
    readonly clock: Clock,
    readonly storageType: string,
    random: () => number,
    /** The lab's links, when it has a topology. */
    readonly network: LabNetwork | undefined,
  ) {
    this.storageFaults = noFaults(random);
    this.storageStatus = new StorageStatus(backend, this.timeline, clock);
  }

  /** What every node of this lab is built on. */
  private shared(): LabNodeShared {
    const { backend, storageFaults, clock, timings, storageType, timeline, echoes, network } = this;
    return { backend, storageFaults, clock, timings, storageType, timeline, echoes, network };
  }

  /** Starts every node (uninitialized, or sealed when storage already holds a barrier). */
  static async start(opts: ClusterOptions = {}): Promise<Cluster> {
    const count = opts.nodes ?? 3;
    const host = opts.host ?? '127.0.0.1';
    const clock = opts.clock ?? new RealClock();
    const timings = opts.timings ?? LAB_TIMINGS;
    const storage = opts.storage ?? 'level';
    const dir = opts.dir ?? '.vaultlab/data';
    if (storage === 'level' && !opts.backend) mkdirSync(dir, { recursive: true });
    const backend = opts.backend ?? (await createBackend(storage, { path: dir, clock, sync: opts.sync }));
    if (!isHABackend(backend)) throw new Error(`storage ${storage} cannot hold an HA lock`);
    const nodes: LabNode[] = [];
    const random = opts.random ?? Math.random;
    const names = labNodeNames(count);
    const network = opts.topology ? new LabNetwork(opts.topology, names, clock, random) : undefined;
    const cluster = new Cluster(nodes, backend, timings, clock, storage === 'memory' ? 'inmem' : storage, random, network);
    try {
      // The balancer's address is known before the nodes are built, so they can advertise it (`--api-addr lb`).
      const sockets = opts.listen !== false;
      const lbUrl =
        opts.balancer && (sockets ? await balancerUrl(host, opts.balancer.port ?? 0, opts.apiTls !== undefined) : SOCKETLESS_BALANCER_URL);
      const nodeOpts = lbUrl && opts.balancer?.advertise ? { ...opts, advertisedApiAddr: lbUrl } : opts;
      for (let i = 0; i < count; i++) nodes.push(await buildLabNode(i, host, nodeOpts, cluster.shared()));
      // Peer links lead to cluster ports; a lab without sockets has none (its drills send no node-to-node traffic).
      if (opts.listen !== false) await network?.connectPeers(nodes.map((n) => ({ name: n.name, clusterAddr: n.cluster!.url })));
      // The timeline says what network the run had, so its delays can be read beside its events.
      if (network) cluster.timeline.add({ time: clock.now(), node: 'lab', type: 'action', detail: describeTopology(network.topology) });
      // Every node's first cluster certificates exist before anything can fail over.
      await Promise.all(nodes.map((n) => n.identities?.ready()));
      if (lbUrl) cluster.balancer = await openLabBalancer(opts.balancer!, lbUrl, cluster, sockets);
    } catch (err) {
      await cluster.close();
      throw err;
    }
    return cluster;
  }

  /** The node called `name` (node1, node2, ...). */
  get(name: string): LabNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node named ${JSON.stringify(name)} (nodes: ${this.nodes.map((x) => x.name).join(', ')})`);
    return n;
  }

  /** The active node, if exactly one node is active. */
  active(): LabNode | undefined {
    const actives = this.nodes.filter((n) => n.node.state === 'active');
    return actives.length === 1 ? actives[0] : undefined;
  }

  /** Each node's state, by name. */
  states(): Record<string, NodeState> {
    return Object.fromEntries(this.nodes.map((n) => [n.name, n.node.state]));
  }

  /**
   * Initializes through the first node (storage is shared, so every node is then
   * initialized) and, like `safe init`, mounts KV v2 at secret/ so the lab is useful at once.
   */
  async init(shares = 5, threshold = 3, opts: { kvVersion?: 1 | 2 | false } = {}): Promise<InitResult> {
    const kv = opts.kvVersion ?? 2;
    const res = await this.nodes[0].node.init({
      secretShares: shares,
      secretThreshold: threshold,
      devKvVersion: kv === false ? undefined : kv,
    });
    for (const n of this.nodes.slice(1)) await n.node.refreshInitialized();
    this.timeline.add({ time: this.clock.now(), node: 'lab', type: 'init', detail: `${shares} shares, threshold ${threshold}` });
    return res;
  }

  /** Unseals one node with the given keys (stops early once unsealed). */
  async unseal(name: string, keys: string[]): Promise<void> {
    const { node } = this.get(name);
    for (const key of keys) {
      if (node.state !== 'sealed') return;
      await node.unseal({ key });
    }
  }

  /** One share into one node's unseal attempt (or a reset), as `vault operator unseal` sends it: the node's seal-status after it. */
  async unsealStep(name: string, req: { key: string } | { reset: true }): Promise<Record<string, unknown>> {
    return (await this.get(name).node.unseal(req)).status;
  }

  /** Unseals every sealed node that is up. */
  async unsealAll(keys: string[]): Promise<void> {
    for (const n of this.nodes) if (n.up) await this.unseal(n.name, keys);
  }

  /** Kill: the node stops at once, its listeners close, and its lock is abandoned, not released. */
  async kill(name: string): Promise<void> {
    const n = this.get(name);
    this.timeline.add({ time: this.clock.now(), node: name, type: 'fault', detail: 'kill' });
    n.node.crash();
    n.up = false;
    await n.api.stop();
    await n.cluster?.stop();
  }

  /** Restart of a killed node: listeners back, the node sealed (or uninitialized). */
  async restart(name: string): Promise<void> {
    const n = this.get(name);
    if (n.up) return;
    await n.api.reopen();
    await n.cluster?.reopen();
    await n.node.restart();
    n.up = true;
    this.timeline.add({ time: this.clock.now(), node: name, type: 'action', detail: 'restart' });
  }

  /** The lab's seal: works on any node, standby included (the API refuses that, as Vault does). */
  seal(name: string): void {
    this.timeline.add({ time: this.clock.now(), node: name, type: 'action', detail: 'seal' });
    this.get(name).node.forceSeal();
  }

  /**
   * The Jepsen pause: the node's process freezes for a while. It stops renewing its lock
   * and noticing loss, and requests already past its gate stall there; when it resumes
   * they carry on with the term the node had, which storage refuses if fencing is on.
   */
  pause(name: string): () => void {
    const n = this.get(name);
    this.timeline.add({ time: this.clock.now(), node: name, type: 'fault', detail: 'pause' });
    const resume = n.node.pause();
    return () => {
      this.timeline.add({ time: this.clock.now(), node: name, type: 'fault', detail: 'resume' });
      resume();
    };
  }

  /** Cuts a node off from storage (every call fails, lock renewals included), or heals it. */
  partitionFromStorage(name: string, on: boolean): void {
    this.timeline.add({
      time: this.clock.now(),
      node: name,
      type: 'fault',
      detail: on ? 'partition from storage' : 'storage reachable again',
    });
    this.get(name).storage.partitioned = on;
  }

  /** Cuts a node off from the other nodes (its forwarding fails), or heals it. */
  partitionFromPeers(name: string, on: boolean): void {
    this.timeline.add({ time: this.clock.now(), node: name, type: 'fault', detail: on ? 'partition from peers' : 'peers reachable again' });
    this.get(name).forwarder.blocked = on;
  }

  /** Sets storage latency (ms, with jitter as a fraction) and error rate for every node; zeros heal. */
  setStorageFaults(f: { latencyMs?: number; jitter?: number; errorRate?: number }): void {
    Object.assign(this.storageFaults, f);
    this.timeline.add({
      time: this.clock.now(),
      node: 'storage',
      type: 'fault',
      detail: `latency ${this.storageFaults.latencyMs} ms ±${this.storageFaults.jitter * 100}%, error rate ${this.storageFaults.errorRate}`,
    });
  }

  /** Heals every partition, storage fault and link fault. */
  healAll(): void {
    for (const n of this.nodes) {
      n.storage.partitioned = false;
      n.forwarder.blocked = false;
    }
    this.network?.heal();
    Object.assign(this.storageFaults, { latencyMs: 0, jitter: 0, errorRate: 0 });
    this.timeline.add({ time: this.clock.now(), node: 'lab', type: 'action', detail: 'heal' });
  }

  /** Steps the active down (it waits out the back-off before campaigning again). */
  stepDown(): string | undefined {
    const a = this.active();
    if (!a) return undefined;
    this.timeline.add({ time: this.clock.now(), node: a.name, type: 'action', detail: 'step-down' });
    a.node.stepDown(this.timings.stepDownBackoffMs);
    return a.name;
  }

  /** Stops the balancer, every node, listener and pool, and closes storage. */
  async close(): Promise<void> {
    await this.balancer?.close();
    for (const n of this.nodes) {
      n.node.close();
      await n.api.stop();
      await n.cluster?.stop();
      await n.app.close();
      await n.forwarder.close();
    }
    await this.network?.close();
    await this.backend.close();
  }
}
