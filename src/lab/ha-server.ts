/**
 * `vaultlab server -config` on storage that several processes share (etcd with ha_enabled):
 * one HA node per process, as a Vault server is. It campaigns for the lock in storage, serves
 * its cluster port (API port + 1 unless the listener says otherwise) while active, and while
 * standby forwards requests and echoes to whichever node the lock names, over that node's
 * cluster port: the same parts a lab node is built from, without the lab around them.
 */
import { hostname } from 'node:os';
import { bindListener, buildApp, createForwardedHandler, createStandbyHandler, MAX_REQUEST_SIZE, type ListenerTls } from '../api/index.ts';
import { RealClock } from '../clock/index.ts';
import { uuid } from '../crypto/index.ts';
import { EchoBoard, Leadership, type Timings } from '../ha/index.ts';
import { ClusterClient, ClusterIdentities, ClusterListener } from '../net/index.ts';
import { VAULT_VERSION, VaultNode } from '../node/index.ts';
import type { HABackend } from '../storage/index.ts';
import { clusterEchoes, followStateOnClusterPort } from './cluster-echoes.ts';
import { writeNodeEventLog } from './node-event-log.ts';

/** What an HA server is built from. */
export interface HaServerOptions {
  backend: HABackend;
  /** Reported as storage_type (etcd). */
  storageType: string;
  host: string;
  port: number;
  tls?: ListenerTls;
  /** Where the cluster port listens. */
  cluster: { host: string; port: number };
  /** What the lock advertises; default: the listener's own addresses. */
  apiAddr?: string;
  clusterAddr?: string;
  timings: Timings;
  /** Where the server's log lines go (default: none). */
  log?: (line: string) => void;
  /** Its name in a process lab (its hostname in sys/ha-status, its event log's node); default: the machine's host name. */
  name?: string;
  /** A file to append its events to (node-event-log.ts): a process lab's drills read it. */
  eventLog?: string;
  /** The listener's unauthenticated_metrics_access. */
  unauthenticatedMetricsAccess?: boolean;
}

/** Vault's log words for a node's state changes, so a process lab's logs read like Vault's. */
const STATE_LINES: Record<string, string> = {
  standby: '[INFO]  core: entering standby mode',
  active: '[INFO]  core: acquired lock, enabling active operation',
  sealed: '[INFO]  core: vault is sealed',
};

/** A running HA server: its node and addresses, and how to stop it (the lock is given back first). */
export interface HaServer {
  node: VaultNode;
  apiAddr: string;
  clusterAddr: string;
  close(): Promise<void>;
}

/** Starts one HA node in this process; it stays sealed until an operator unseals it. */
export async function startHaServer(o: HaServerOptions): Promise<HaServer> {
  const clock = new RealClock();
  const log = (line: string) => o.log?.(`${new Date(clock.now()).toISOString()} ${line}`);
  const host = o.name ?? hostname();
  const cluster = await ClusterListener.bind(o.cluster.host, o.cluster.port);
  const api = await bindListener(o.host, o.port, { tls: o.tls }).catch(async (err: unknown) => {
    await cluster.close();
    throw err;
  });
  const apiAddr = o.apiAddr ?? api.url;
  const clusterAddr = o.clusterAddr ?? cluster.url;
  const identities = new ClusterIdentities(host, [o.cluster.host, 'localhost']);
  let node: VaultNode | undefined;
  const client = new ClusterClient({
    credentials: (leader) => node?.leaderIdentity(leader.holder) ?? Promise.resolve(undefined),
    // Vault's keepalive deadline is twice its lock TTL (30 s for 15 s); kept at that ratio for shorter TTLs.
    keepaliveTimeoutMs: 2 * o.timings.lockTtlMs,
  });
  const heardHere = new EchoBoard();
  const leadership: Leadership = new Leadership({
    backend: o.backend,
    timings: o.timings,
    clock,
    holderId: `${host}-${uuid().slice(0, 8)}`,
    advertise: { apiAddr, clusterAddr },
    echoes: { channel: clusterEchoes(client, heardHere, () => leadership.leader()), hostname: host, version: VAULT_VERSION },
    report: (e) => {
      if (e.event === 'lost') log(`[WARN]  core: leadership lost, stopping active operation: term ${e.term}: ${e.detail ?? ''}`);
      if (e.event === 'retry') log(`[ERROR] core: failed to acquire lock: ${e.detail ?? ''}`);
    },
  });
  node = await VaultNode.create(
    {
      name: host,
      hostname: host,
      backend: o.backend,
      storageType: o.storageType,
      apiAddr,
      clusterAddr,
      clock,
      makeClusterIdentity: () => identities.take(),
    },
    leadership,
  );
  const served = node;
  const stopEventLog = o.eventLog ? writeNodeEventLog(o.eventLog, host, { node: served, backend: o.backend }) : undefined;
  served.onEvent((e) => {
    if (e.type !== 'state') return;
    if (Object.hasOwn(STATE_LINES, e.to)) log(STATE_LINES[e.to]);
  });
  followStateOnClusterPort(served, cluster, client);
  const app = buildApp(served, {
    stepDownBackoffMs: o.timings.stepDownBackoffMs,
    standby: createStandbyHandler(served, client),
    unauthenticatedMetricsAccess: o.unauthenticatedMetricsAccess,
  });
  await api.attach(app);
  cluster.attach({ handle: createForwardedHandler(app, served), echo: (echo) => heardHere.send(echo), maxRequestSize: MAX_REQUEST_SIZE });
  return {
    node: served,
    apiAddr,
    clusterAddr,
    close: async () => {
      await api.close();
      // Sealing gives the lock back (Vault seals on shutdown), so a standby takes over at once rather than after the TTL.
      served.forceSeal();
      served.close();
      await client.close();
      await cluster.close();
      stopEventLog?.();
    },
  };
}
