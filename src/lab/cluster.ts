/**
 * The composition root of an HA lab: N nodes in one process on one shared HA backend,
 * each with its own app, an API listener (127.0.0.1:8200, 8210, ...) and a cluster
 * listener one port up (where standbys forward), and one timeline of what happened.
 * Lab actions (kill, restart, seal, step-down) act on nodes directly, bypassing the API.
 */
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { bindListener, buildApp, createStandbyHandler, type Listener, type ListenerOptions } from '../api/index.ts';
import { RealClock, type Clock } from '../clock/index.ts';
import { uuid } from '../crypto/index.ts';
import { EchoBoard, Forwarder, LAB_TIMINGS, Leadership, type EchoChannel, type Timings } from '../ha/index.ts';
import { VAULT_VERSION, VaultNode, type InitResult, type NodeState } from '../node/index.ts';
import { createBackend, isHABackend, noFaults, StorageLink, type AbstractBackend, type StorageFaults } from '../storage/index.ts';
import { StorageStatus } from './storage-status.ts';
import { Timeline } from './timeline.ts';

/** How to build a lab. */
export interface ClusterOptions {
  nodes?: number;
  storage?: 'level' | 'memory';
  /** Directory of the level backend (default .vaultlab/data). */
  dir?: string;
  host?: string;
  /** Node i listens on basePort + 10·i (API) and +1 (cluster). 0 = any free ports (tests). */
  basePort?: number;
  timings?: Timings;
  clock?: Clock;
  aead?: 'node' | 'noble';
  /** False: the active reads storage (and decrypts) on every read, without its read cache (the bench compares both). */
  readCache?: boolean;
  /** False: no sockets at all (virtual-time drills drive nodes directly). */
  listen?: boolean;
  /** The random source of storage faults (seeded in drills). */
  random?: () => number;
  /** Timeouts and the connection cap of every listener (default: LISTENER_DEFAULTS). */
  listener?: ListenerOptions;
  /** Level only: fsync every write before acknowledging it (default false). */
  sync?: boolean;
  /** An open backend to run on instead of opening `storage` (a test's disk that fills up); the cluster closes it. */
  backend?: AbstractBackend;
}

/** One node of the lab with its listeners. */
export interface LabNode {
  name: string;
  node: VaultNode;
  app: FastifyInstance;
  api: Listener;
  cluster: Listener;
  apiAddr: string;
  forwarder: Forwarder;
  /** False between kill and restart. */
  up: boolean;
  /** This node's link to the shared storage (where storage faults and partitions apply). */
  storage: StorageLink;
  /** This node's part in HA, as the lab built it (the lab's pause fault acts on it). */
  leadership: Leadership;
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

  private constructor(
    readonly nodes: LabNode[],
    readonly backend: AbstractBackend,
    readonly timings: Timings,
    readonly clock: Clock,
    readonly storageType: string,
    random: () => number,
  ) {
    this.storageFaults = noFaults(random);
    this.storageStatus = new StorageStatus(backend, this.timeline, clock);
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
    const cluster = new Cluster(nodes, backend, timings, clock, storage === 'memory' ? 'inmem' : storage, opts.random ?? Math.random);
    try {
      for (let i = 0; i < count; i++) nodes.push(await cluster.buildNode(i, host, opts));
    } catch (err) {
      await cluster.close();
      throw err;
    }
    return cluster;
  }

  private async buildNode(i: number, host: string, opts: ClusterOptions): Promise<LabNode> {
    const base = opts.basePort ?? 8200;
    const name = `node${i + 1}`;
    const bind = (port: number, what: string) =>
      opts.listen === false ? detachedListener(`${name}-${what}`) : bindListener(host, port, opts.listener);
    const api = await bind(base === 0 ? 0 : base + 10 * i, 'api');
    const cluster = await bind(base === 0 ? 0 : base + 10 * i + 1, 'cluster');
    const link = new StorageLink(this.backend, this.storageFaults, this.clock);
    const forwarder = new Forwarder(name);
    const leadership = new Leadership({
      backend: link,
      timings: this.timings,
      clock: this.clock,
      holderId: `${name}-${uuid().slice(0, 8)}`,
      advertise: { apiAddr: api.url, clusterAddr: cluster.url },
      echoes: { channel: this.echoChannel(forwarder), hostname: name, version: VAULT_VERSION },
      report: (e) =>
        this.timeline.add({
          time: this.clock.now(),
          node: name,
          type: `lock-${e.event}`,
          detail: [e.term ? `term ${e.term}` : '', e.detail ?? ''].filter(Boolean).join(': '),
        }),
    });
    const node = await VaultNode.create(
      {
        name,
        hostname: name,
        backend: link,
        storageType: this.storageType,
        apiAddr: api.url,
        clusterAddr: cluster.url,
        clock: this.clock,
        aead: opts.aead,
        readCache: opts.readCache,
      },
      leadership,
    );
    node.onEvent((e) => {
      if (e.type === 'state') this.timeline.add({ time: e.time, node: name, type: 'state', detail: `${e.from} → ${e.to}` });
      if (e.type === 'unseal-progress')
        this.timeline.add({ time: e.time, node: name, type: 'unseal', detail: `${e.progress}/${e.threshold}` });
    });
    const app = buildApp(node, { stepDownBackoffMs: this.timings.stepDownBackoffMs, standby: createStandbyHandler(node, forwarder) });
    await api.attach(app);
    await cluster.attach(app);
    return { name, node, app, api, cluster, apiAddr: api.url, forwarder, up: true, storage: link, leadership };
  }

  /** One node's end of the echo board: cut off, like its forwarding, while partitioned from its peers. */
  private echoChannel(forwarder: Forwarder): EchoChannel {
    return {
      send: (echo) => {
        if (!forwarder.blocked) this.echoes.send(echo);
      },
      heard: () => (forwarder.blocked ? [] : this.echoes.heard()),
    };
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
    await n.cluster.stop();
  }

  /** Restart of a killed node: listeners back, the node sealed (or uninitialized). */
  async restart(name: string): Promise<void> {
    const n = this.get(name);
    if (n.up) return;
    await n.api.reopen();
    await n.cluster.reopen();
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

  /** Heals every partition and storage fault. */
  healAll(): void {
    for (const n of this.nodes) {
      n.storage.partitioned = false;
      n.forwarder.blocked = false;
    }
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

  /** Stops every node, listener and pool, and closes storage. */
  async close(): Promise<void> {
    for (const n of this.nodes) {
      n.node.close();
      await n.api.stop();
      await n.cluster.stop();
      await n.app.close();
      await n.forwarder.close();
    }
    await this.backend.close();
  }
}

/** A stand-in for a socket when a lab runs without any (its address is never dialled). */
function detachedListener(label: string): Listener {
  const noop = async () => {};
  return { host: 'detached', port: 0, url: `http://${label}.invalid`, attach: noop, stop: noop, reopen: noop, close: noop };
}
