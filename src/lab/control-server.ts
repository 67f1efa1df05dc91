/**
 * The lab's control endpoint (loopback only): how `vaultlab kill|restart|seal|step-down|
 * unseal --all|status --all|down` reach a running lab from another process. Plain
 * node:http with JSON, because only src/api may use fastify and this is not Vault's API.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Cluster } from './cluster.ts';
import type { LabFaults } from './lab-faults.ts';

/** What each lab verb needs from the runner. */
export interface LabControls {
  cluster: Cluster;
  faults: LabFaults;
  /** Unseals every sealed node with the lab's saved keys. */
  unsealAll(): Promise<void>;
  /** Shuts the whole lab down (the process exits after answering). */
  down(): Promise<void>;
}

/** One row of `vaultlab status --all`. */
export interface NodeRow {
  name: string;
  address: string;
  initialized: boolean;
  sealed: boolean;
  progress: string;
  haMode: string;
  activeNode: string;
  term: number;
}

/** The status of every node, as `status --all` prints it. */
export function nodeRows(cluster: Cluster): NodeRow[] {
  const active = cluster.active();
  return cluster.nodes.map((n) => {
    const s = n.node.sealStatus() as { initialized: boolean; sealed: boolean; progress: number; t: number };
    const state = n.up ? n.node.state : 'stopped';
    return {
      name: n.name,
      address: n.apiAddr,
      initialized: s.initialized,
      sealed: s.sealed,
      progress: s.sealed && s.t ? `${s.progress}/${s.t}` : 'n/a',
      haMode: state === 'active' || state === 'standby' ? state : state === 'stopped' ? 'down' : 'sealed',
      activeNode: active?.apiAddr ?? '<none>',
      term: n.node.term,
    };
  });
}

type Handler = (parts: string[]) => Promise<unknown>;

function routes(c: LabControls): Record<string, Handler> {
  return {
    'GET status': async () => ({ nodes: nodeRows(c.cluster), timeline: c.cluster.timeline.events.slice(-50) }),
    'POST kill': async ([node]) => c.cluster.kill(node),
    'POST restart': async ([node]) => c.cluster.restart(node),
    'POST seal': async ([node]) => c.cluster.seal(node),
    'POST step-down': async () => ({ node: c.cluster.stepDown() ?? null }),
    'POST unseal-all': async () => c.unsealAll(),
    'POST fault': async ([node, kind, ms]) => c.faults.start(node, kind, ms ? Number(ms) : undefined),
    'POST heal': async () => c.faults.heal(),
    'POST down': async () => c.down(),
  };
}

async function serve(c: LabControls, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const [, verb, ...args] = (req.url ?? '/').split('?')[0].split('/').map(decodeURIComponent);
  const handler = routes(c)[`${req.method} ${verb}`];
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(body)}\n`);
  };
  if (!handler) return send(404, { errors: [`unknown lab action ${req.method} /${verb ?? ''}`] });
  try {
    send(200, { ok: true, result: (await handler(args)) ?? null });
  } catch (err) {
    send(400, { errors: [(err as Error).message] });
  }
}

/** Starts the control endpoint on 127.0.0.1:port. */
export async function startControlServer(c: LabControls, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => void serve(c, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
