/**
 * One node of a lab as the lab builds it: its storage link (where storage faults and
 * partitions apply), its part in HA, the Vault node, its app, an API listener and a
 * cluster port one up (mutual TLS with its term's certificate while active: where standbys
 * forward and echo), all reporting to the lab's timeline. A lab without sockets (virtual-time
 * drills) has no cluster port: its standbys echo on a board the lab shares. In a lab with a
 * topology the node's public API port is the clients' link to it (lab-network.ts).
 */
import type { FastifyInstance } from 'fastify';
import {
  bindListener,
  buildApp,
  RequestTally,
  createForwardedHandler,
  createStandbyHandler,
  MAX_REQUEST_SIZE,
  type Listener,
  type ListenerOptions,
  type ListenerTls,
} from '../api/index.ts';
import type { Clock } from '../clock/index.ts';
import { uuid } from '../crypto/index.ts';
import { EchoBoard, Leadership, type EchoChannel, type Forwarder, type Timings } from '../ha/index.ts';
import { VAULT_VERSION, VaultNode } from '../node/index.ts';
import { ClusterClient, ClusterIdentities, ClusterListener } from '../net/index.ts';
import { StorageLink, type AbstractBackend, type StorageFaults } from '../storage/index.ts';
import { clusterEchoes, followStateOnClusterPort } from './cluster-echoes.ts';
import { nodeApiPort, nodeClusterPort } from './port-plan.ts';
import { withPort, type LabNetwork } from './lab-network.ts';
import type { Timeline } from './timeline.ts';

/** One node of the lab with its listeners. */
export interface LabNode {
  name: string;
  node: VaultNode;
  app: FastifyInstance;
  api: Listener;
  /** The cluster port; none in a lab without sockets. */
  cluster: ClusterListener | undefined;
  /** The certificates this node's next terms will serve the cluster port with; none without a cluster port. */
  identities: ClusterIdentities | undefined;
  apiAddr: string;
  forwarder: Forwarder;
  /** False between kill and restart. */
  up: boolean;
  /** This node's link to the shared storage (where storage faults and partitions apply). */
  storage: StorageLink;
  /** This node's part in HA, as the lab built it (the lab's pause fault acts on it). */
  leadership: Leadership;
  /** The zone of the lab's topology this node sits in; none without a topology. */
  zone?: string;
  /** Its API's answers by route (direct, forwarded, redirected), counted while the event stream has a watcher. */
  requests: RequestTally;
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
  /** The api_addr every node advertises instead of its own (`--api-addr lb`: the balancer's). */
  advertisedApiAddr?: string;
}

/** What every node of one lab shares. */
export interface LabNodeShared {
  backend: AbstractBackend;
  storageFaults: StorageFaults;
  clock: Clock;
  timings: Timings;
  storageType: string;
  timeline: Timeline;
  /** Where standbys echo to the active in a lab without sockets (with sockets they echo over the cluster port). */
  echoes: EchoBoard;
  /** The lab's links, when it has a topology. */
  network?: LabNetwork;
}

/** The name of the lab's node `i`: node1, node2, ... */
export function labNodeName(i: number): string {
  return `node${i + 1}`;
}

/** The names of a lab of `count` nodes, node1 first. */
export function labNodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => labNodeName(i));
}

/** Builds node `i` (node1, node2, ...): on basePort + 10·i (API) and one up (cluster), or on no socket at all. */
export async function buildLabNode(i: number, host: string, opts: LabNodeOptions, lab: LabNodeShared): Promise<LabNode> {
  const base = opts.basePort ?? 8200;
  const name = labNodeName(i);
  const sockets = opts.listen !== false;
  const network = sockets ? lab.network : undefined;
  const { api, apiAddr } = sockets ? await bindApi(i, host, opts, network) : detachedApi(name);
  const advertisedApiAddr = opts.advertisedApiAddr ?? apiAddr;
  const cluster = sockets ? await ClusterListener.bind(host, nodeClusterPort(base, i)) : undefined;
  const clusterAddr = cluster?.url ?? `https://${name}-cluster.invalid`;
  const identities = cluster && new ClusterIdentities(name, [host, 'localhost']);
  const link = new StorageLink(lab.backend, lab.storageFaults, lab.clock, lab.network?.storageWire(name));
  let node: VaultNode | undefined;
  const client = sockets
    ? new ClusterClient({
        credentials: (leader) => node?.leaderIdentity(leader.holder) ?? Promise.resolve(undefined),
        route: network && ((clusterAddr) => network.route(name, clusterAddr)),
        // Vault's keepalive deadline (30 s) is twice its 15 s lock TTL; the lab keeps that ratio to its own TTL (2 s on the
        // lab profile), so a standby cut off from the active falls back to a 307 within seconds, not after Vault's 30 s.
        keepaliveTimeoutMs: 2 * lab.timings.lockTtlMs,
      })
    : undefined;
  const forwarder: Forwarder = client ?? socketlessForwarder();
  const heardHere = new EchoBoard();
  const { clock, timeline } = lab;
  const leadership: Leadership = new Leadership({
    backend: link,
    timings: lab.timings,
    clock,
    holderId: `${name}-${uuid().slice(0, 8)}`,
    advertise: { apiAddr: advertisedApiAddr, clusterAddr },
    echoes: {
      channel: client ? clusterEchoes(client, heardHere, () => leadership.leader()) : boardEchoes(lab.echoes, forwarder),
      hostname: name,
      version: VAULT_VERSION,
    },
    report: (e) =>
      timeline.add({
        time: clock.now(),
        node: name,
        type: `lock-${e.event}`,
        detail: [e.term ? `term ${e.term}` : '', e.detail ?? ''].filter(Boolean).join(': '),
      }),
  });
  node = await VaultNode.create(
    {
      name,
      hostname: name,
      backend: link,
      storageType: lab.storageType,
      apiAddr: advertisedApiAddr,
      clusterAddr,
      clock,
      aead: opts.aead,
      readCache: opts.readCache,
      makeClusterIdentity: identities && (() => identities.take()),
    },
    leadership,
  );
  const served = node;
  served.onEvent((e) => {
    if (e.type === 'state') timeline.add({ time: e.time, node: name, type: 'state', detail: `${e.from} → ${e.to}` });
    if (e.type === 'unseal-progress') timeline.add({ time: e.time, node: name, type: 'unseal', detail: `${e.progress}/${e.threshold}` });
  });
  if (cluster && client) followStateOnClusterPort(served, cluster, client);
  const requests = new RequestTally();
  const makeApp = () =>
    buildApp(served, {
      stepDownBackoffMs: lab.timings.stepDownBackoffMs,
      standby: createStandbyHandler(served, forwarder, requests),
      requests,
    });
  const zone = lab.network?.zoneOf(name);
  const parts = {
    name,
    node: served,
    api,
    cluster,
    identities,
    apiAddr,
    forwarder,
    up: true,
    storage: link,
    leadership,
    zone,
    requests,
  };
  if (!sockets) {
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
  const handle = createForwardedHandler(app, served);
  cluster!.attach({ handle, echo: (echo) => heardHere.send(echo), maxRequestSize: MAX_REQUEST_SIZE });
  return { ...parts, app };
}

/**
 * Node `i`'s API listener and the address clients use: its own, or with a topology its link's,
 * on the port plan's port, with the listener behind it on a free port.
 */
async function bindApi(
  i: number,
  host: string,
  opts: LabNodeOptions,
  network: LabNetwork | undefined,
): Promise<{ api: Listener; apiAddr: string }> {
  const publicPort = nodeApiPort(opts.basePort ?? 8200, i);
  const api = await bindListener(host, network ? 0 : publicPort, { ...opts.listener, tls: opts.apiTls?.[i] });
  if (!network) return { api, apiAddr: api.url };
  const link = await network.openClientLink(labNodeName(i), api, { host, port: publicPort });
  return { api, apiAddr: withPort(api.url, link.address.port) };
}

/** A lab without sockets forwards nothing: drills drive its nodes directly. */
function socketlessForwarder(): Forwarder {
  return {
    blocked: false,
    forward: () => Promise.reject(new Error('this lab has no sockets to forward over')),
    close: async () => {},
  };
}

/** One node's end of the lab's shared echo board: cut off, like its forwarding, while partitioned from its peers. */
function boardEchoes(echoes: EchoBoard, forwarder: Forwarder): EchoChannel {
  return {
    send: (echo) => {
      if (!forwarder.blocked) echoes.send(echo);
    },
    heard: () => (forwarder.blocked ? [] : echoes.heard()),
  };
}

/** A node's API in a lab without sockets: a stand-in listener, its address never dialled. */
function detachedApi(name: string): { api: Listener; apiAddr: string } {
  const api = detachedListener(`${name}-api`);
  return { api, apiAddr: api.url };
}

/** A stand-in for a socket when a lab runs without any (its address is never dialled). */
function detachedListener(label: string): Listener {
  const noop = async () => {};
  return { host: 'detached', port: 0, url: `http://${label}.invalid`, attach: noop, stop: noop, reopen: noop, close: noop };
}
