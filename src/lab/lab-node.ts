/**
 * One node of a lab as the lab builds it: its storage link (where storage faults and
 * partitions apply), its part in HA, the Vault node, its app, an API listener and a
 * cluster listener one port up (where standbys forward), all reporting to the lab's timeline.
 */
import type { FastifyInstance } from 'fastify';
import { bindListener, buildApp, createStandbyHandler, type Listener, type ListenerOptions, type ListenerTls } from '../api/index.ts';
import type { Clock } from '../clock/index.ts';
import { uuid } from '../crypto/index.ts';
import { Forwarder, Leadership, type EchoBoard, type EchoChannel, type Timings } from '../ha/index.ts';
import { VAULT_VERSION, VaultNode } from '../node/index.ts';
import { StorageLink, type AbstractBackend, type StorageFaults } from '../storage/index.ts';
import { nodeApiPort, nodeClusterPort } from './port-plan.ts';
import type { Timeline } from './timeline.ts';

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

/** How each node of a lab is built. */
export interface LabNodeOptions {
  /** Node i listens on basePort + 10·i (API) and +1 (cluster). 0 = any free ports (tests). */
  basePort?: number;
  aead?: 'node' | 'noble';
  /** False: the active reads storage (and decrypts) on every read, without its read cache (the bench compares both). */
  readCache?: boolean;
  /** False: no sockets at all (virtual-time drills drive nodes directly). */
  listen?: boolean;
  /** Timeouts and the connection cap of every listener (default: LISTENER_DEFAULTS). */
  listener?: ListenerOptions;
  /** Each node's API listener TLS, node1 first (`up --tls`); without it the API is plain HTTP. */
  apiTls?: ListenerTls[];
}

/** What every node of one lab shares. */
export interface LabNodeShared {
  backend: AbstractBackend;
  storageFaults: StorageFaults;
  clock: Clock;
  timings: Timings;
  storageType: string;
  timeline: Timeline;
  /** Where standbys echo to the active (sys/ha-status), standing in for Vault's cluster channel. */
  echoes: EchoBoard;
}

/** The name of the lab's node `i`: node1, node2, ... */
export function labNodeName(i: number): string {
  return `node${i + 1}`;
}

/** Builds node `i` (node1, node2, ...): on basePort + 10·i (API) and one up (cluster), or on no socket at all. */
export async function buildLabNode(i: number, host: string, opts: LabNodeOptions, lab: LabNodeShared): Promise<LabNode> {
  const base = opts.basePort ?? 8200;
  const name = labNodeName(i);
  const bind = (port: number, what: string, tls?: ListenerTls) =>
    opts.listen === false ? detachedListener(`${name}-${what}`) : bindListener(host, port, { ...opts.listener, tls });
  const api = await bind(nodeApiPort(base, i), 'api', opts.apiTls?.[i]);
  const cluster = await bind(nodeClusterPort(base, i), 'cluster');
  const link = new StorageLink(lab.backend, lab.storageFaults, lab.clock);
  const forwarder = new Forwarder(name);
  const { clock, timeline } = lab;
  const leadership = new Leadership({
    backend: link,
    timings: lab.timings,
    clock,
    holderId: `${name}-${uuid().slice(0, 8)}`,
    advertise: { apiAddr: api.url, clusterAddr: cluster.url },
    echoes: { channel: echoChannel(lab.echoes, forwarder), hostname: name, version: VAULT_VERSION },
    report: (e) =>
      timeline.add({
        time: clock.now(),
        node: name,
        type: `lock-${e.event}`,
        detail: [e.term ? `term ${e.term}` : '', e.detail ?? ''].filter(Boolean).join(': '),
      }),
  });
  const addrs = { apiAddr: api.url, clusterAddr: cluster.url };
  const node = await VaultNode.create(
    { name, hostname: name, backend: link, storageType: lab.storageType, ...addrs, clock, aead: opts.aead, readCache: opts.readCache },
    leadership,
  );
  node.onEvent((e) => {
    if (e.type === 'state') timeline.add({ time: e.time, node: name, type: 'state', detail: `${e.from} → ${e.to}` });
    if (e.type === 'unseal-progress') timeline.add({ time: e.time, node: name, type: 'unseal', detail: `${e.progress}/${e.threshold}` });
  });
  const makeApp = () =>
    buildApp(node, { stepDownBackoffMs: lab.timings.stepDownBackoffMs, standby: createStandbyHandler(node, forwarder) });
  const parts = { name, node, api, cluster, apiAddr: api.url, forwarder, up: true, storage: link, leadership };
  if (opts.listen === false) {
    // Without sockets nothing serves HTTP, and registering every route costs milliseconds per node
    // (a random drill starts thousands): the app is built only if something asks for it.
    let app: FastifyInstance | undefined;
    return {
      ...parts,
      get app() {
        return (app ??= makeApp());
      },
    };
  }
  const app = makeApp();
  await api.attach(app);
  await cluster.attach(app);
  return { ...parts, app };
}

/** One node's end of the echo board: cut off, like its forwarding, while partitioned from its peers. */
function echoChannel(echoes: EchoBoard, forwarder: Forwarder): EchoChannel {
  return {
    send: (echo) => {
      if (!forwarder.blocked) echoes.send(echo);
    },
    heard: () => (forwarder.blocked ? [] : echoes.heard()),
  };
}

/** A stand-in for a socket when a lab runs without any (its address is never dialled). */
function detachedListener(label: string): Listener {
  const noop = async () => {};
  return { host: 'detached', port: 0, url: `http://${label}.invalid`, attach: noop, stop: noop, reopen: noop, close: noop };
}
