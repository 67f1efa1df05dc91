/**
 * The lab's control endpoint: how `vaultlab kill|restart|seal|fault|heal|step-down|
 * unseal --all|status --all|down` reach a running lab from another process, where the lab's
 * event stream is served (`GET /events`, lab-events.ts), and where the dashboard's page is
 * (`/ui/`, ui-files.ts). Plain node:http with JSON, because only src/api may use fastify and
 * this is not Vault's API.
 * Loopback only, and that is not enough (see control-auth.ts): every request needs the
 * lab's secret, POSTs carry a bounded JSON body (a cross-site page cannot send one without
 * a CORS preflight, which is never granted), and every input is checked before the lab moves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorsFor, statusForError } from '../api/index.ts';
import { VaultError } from '../node/index.ts';
import type { Cluster } from './cluster.ts';
import { checkCaller, checkHost } from './control-auth.ts';
import { readJsonBody } from './control-body.ts';
import { ControlError } from './control-errors.ts';
import {
  CONTROL_BODY_TIMEOUT_MS,
  CONTROL_MAX_BODY_BYTES,
  listenControl,
  routeOf,
  sendJson as send,
  type ControlRoute,
  type Where,
} from './control-http.ts';
import { checkFields, checkNodeName, checkShare } from './control-input.ts';
import { verbRoutes } from './control-verbs.ts';
import type { LabFaults } from './lab-faults.ts';
import { faultLink, zoneDown } from './link-faults.ts';
import { holderOf, holderUrl, serveHolder } from './key-holders.ts';
import { clusterEvents } from './cluster-events.ts';
import { LabEventHub } from './lab-events.ts';
import { labStatus } from './lab-status.ts';
import { serveEvents } from './event-stream.ts';
import { isUiRequest, loadUiFiles, serveUi, type UiFile } from './ui-files.ts';

/** What each lab verb needs from the runner. */
export interface LabControls {
  cluster: Cluster;
  faults: LabFaults;
  /** Unseals every sealed node with the lab's saved keys, each on its own, and says how each fared. */
  unsealAll(): Promise<unknown>;
  /** Shuts the whole lab down (the process exits after answering). */
  down(): Promise<void>;
  /** The lab's unseal key shares, for the unseal lesson's key holders (none: no key holder links). */
  shares?: readonly string[];
}

/** How the endpoint is reached and bounded. */
export interface ControlServerOptions {
  /** The TCP port on 127.0.0.1 (0 = any free port). */
  port: number;
  /** The lab's secret, which every request must carry as `Authorization: Bearer <secret>`. */
  secret: string;
  /** The largest request body accepted (default 4 KiB: the biggest real one is under 100 bytes). */
  maxBodyBytes?: number;
  /** How long a client may take to send its body, on the cluster's clock (default 5 s). */
  bodyTimeoutMs?: number;
}

export { CONTROL_BODY_TIMEOUT_MS, CONTROL_MAX_BODY_BYTES } from './control-http.ts';

type Route = ControlRoute<LabControls>;

const names = (c: LabControls) => c.cluster.nodes.map((n) => n.name);

/** The verbs, by path: the shared ones (control-verbs.ts; a node's verbs go through LabFaults), then the network's and the unseal lesson's. */
const ROUTES: Record<string, Route> = {
  ...verbRoutes<LabControls>({
    names,
    status: async (c) => ({ ...(await labStatus(c.cluster)), timeline: c.cluster.timeline.events.slice(-50) }),
    fault: (c, node, kind, ms) => c.faults.start(node, kind, ms),
    stepDown: async (c) => c.cluster.stepDown(),
    unsealAll: (c) => c.unsealAll(),
    heal: async (c) => c.faults.heal(),
    down: (c) => c.down(),
  }),
  'fault-link': {
    method: 'POST',
    run: async (c, b) => {
      const f = checkFields(b, ['from', 'to', 'words']);
      faultLink(c.cluster, f.from, f.to, f.words);
    },
  },
  'fault-zone': {
    method: 'POST',
    run: async (c, b) => {
      const f = checkFields(b, ['zone', 'state']);
      zoneDown(c.cluster, f.zone, f.state);
    },
  },
  // The unseal lesson: one share into one node's ring, as `vault operator unseal` would send it to that node.
  unseal: {
    method: 'POST',
    run: async (c, b) => {
      const f = checkFields(b, ['node', 'key']);
      return c.cluster.unsealStep(checkNodeName(f.node, names(c)), { key: checkShare(f.key) });
    },
  },
  'unseal-reset': {
    method: 'POST',
    run: async (c, b) => c.cluster.unsealStep(checkNodeName(checkFields(b, ['node']).node, names(c)), { reset: true }),
  },
  // The unseal lesson's key-holder links, one per share (key-holders.ts).
  holders: {
    method: 'GET',
    run: async (c, b, at) => {
      checkFields(b, []);
      return { holders: (c.shares ?? []).map((_, i) => ({ index: i + 1, url: holderUrl(at.origin, at.secret, i + 1) })) };
    },
  },
};

/** What the server holds besides its options: the event hub and the dashboard's files. */
interface Served {
  hub: LabEventHub;
  ui: ReadonlyMap<string, UiFile>;
}

async function serve(
  c: LabControls,
  o: Required<ControlServerOptions>,
  s: Served,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const path = new URL(req.url ?? '/', 'http://control.invalid').pathname;
    if (isUiRequest(req.method, path)) return serveUi(s.ui, o.port, path, req, res);
    checkHost(req.headers, o.port);
    const holder = holderOf(req.headers, o.secret, c.shares?.length ?? 0);
    if (holder !== undefined) {
      const readBody = () => readJsonBody(req, c.cluster.clock, o.maxBodyBytes, o.bodyTimeoutMs);
      const h = {
        cluster: c.cluster,
        shares: c.shares ?? [],
        hub: s.hub,
        readBody,
        send: (status: number, body: unknown) => send(res, status, body),
      };
      return await serveHolder(h, holder, req.method ?? '', path, res);
    }
    checkCaller(req.headers, o.port, o.secret);
    if (path === '/events') return await serveEvents(s.hub, req, res);
    const route = routeOf(ROUTES, req);
    const body = route.method === 'POST' ? await readJsonBody(req, c.cluster.clock, o.maxBodyBytes, o.bodyTimeoutMs) : {};
    send(res, 200, { ok: true, result: (await route.run(c, body, { origin: `http://${req.headers.host}`, secret: o.secret })) ?? null });
  } catch (err) {
    if (err instanceof ControlError) send(res, err.status, { errors: err.errors });
    // A node's own refusal (a share that is not one, a node not initialized) in Vault's words and status.
    else if (err instanceof VaultError) send(res, statusForError(err), { errors: errorsFor(err) });
    else send(res, 500, { errors: [(err as Error).message] });
  }
}

/** Starts the control endpoint on 127.0.0.1 (the port may be 0 for any free one). */
export async function startControlServer(
  c: LabControls,
  opts: ControlServerOptions,
): Promise<{ url: string; watchers(): number; close(): Promise<void> }> {
  const bounds = { maxBodyBytes: CONTROL_MAX_BODY_BYTES, bodyTimeoutMs: CONTROL_BODY_TIMEOUT_MS, ...opts };
  const served: Served = { hub: new LabEventHub(clusterEvents(c.cluster)), ui: loadUiFiles() };
  const listener = await listenControl(opts.port, (port) => {
    const o: Required<ControlServerOptions> = { ...bounds, port };
    return (req, res) => void serve(c, o, served, req, res);
  });
  return { url: listener.url, watchers: () => served.hub.subscribers, close: listener.close };
}
