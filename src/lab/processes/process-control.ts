/**
 * The control endpoint of a process lab: the same paths, checks and answers as an in-process
 * lab's (control-server.ts), so `vaultlab kill|restart|seal|fault|heal|step-down|unseal --all|
 * status --all|down` work unchanged (control-verbs.ts), plus `fault-etcd` for the lab's own etcd
 * and `fault-link` for a node's links to it, and the dashboard: its files and the same event
 * stream, fed from the processes (process-events.ts), and its unseal lesson. What a process lab
 * cannot do yet (zones, the key holders' links) is refused by name rather than answered as an
 * unknown path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RealClock } from '../../clock/index.ts';
import { checkCaller, checkHost } from '../control-auth.ts';
import { readJsonBody } from '../control-body.ts';
import { ControlError, invalidInput } from '../control-errors.ts';
import { CONTROL_BODY_TIMEOUT_MS, CONTROL_MAX_BODY_BYTES, listenControl, routeOf, sendJson, type ControlRoute } from '../control-http.ts';
import { checkFields, checkNodeName, checkShare } from '../control-input.ts';
import { verbRoutes } from '../control-verbs.ts';
import { serveEvents } from '../event-stream.ts';
import { LabEventHub } from '../lab-events.ts';
import { isUiRequest, loadUiFiles, serveUi, type UiFile } from '../ui-files.ts';
import type { UnsealOutcome } from '../lab-keys.ts';
import { nodeCall } from './node-http.ts';
import type { ProcessFaults } from './process-faults.ts';
import { processEvents } from './process-events.ts';
import type { ProcessLab } from './process-lab.ts';

/** What the verbs act on. */
export interface ProcessControls {
  lab: ProcessLab;
  faults: ProcessFaults;
  unsealAll(): Promise<UnsealOutcome[]>;
  down(): Promise<void>;
}

type Route = ControlRoute<ProcessControls>;

const names = (c: ProcessControls) => c.lab.nodes.map((n) => n.o.name);

const notYet = (what: string, method: 'GET' | 'POST' = 'POST'): Route => ({
  method,
  run: async () => {
    throw invalidInput(`${what} is not available in a process lab yet`);
  },
});

/** The shared verbs (control-verbs.ts) as signals and API calls, then etcd's and the links' faults. */
const ROUTES: Record<string, Route> = {
  ...verbRoutes<ProcessControls>({
    names,
    status: (c) => c.lab.status(),
    fault: (c, node, kind, ms) => c.faults.start(node, kind, ms),
    stepDown: (c) => c.faults.stepDown(),
    unsealAll: (c) => c.unsealAll(),
    heal: (c) => c.faults.heal(),
    down: (c) => c.down(),
  }),
  'fault-etcd': {
    method: 'POST',
    run: async (c, b) => {
      const f = checkFields(b, ['member', 'kind', 'duration_ms']);
      return c.faults.etcd(f.member, f.kind, f.duration_ms);
    },
  },
  'fault-link': {
    method: 'POST',
    run: async (c, b) => {
      const f = checkFields(b, ['from', 'to', 'words']);
      c.faults.link(f.from, f.to, f.words);
    },
  },
  'fault-zone': notYet('fault zone'),
  // The unseal lesson: one share into one node's ring, sent to that node's sys/unseal as `vault operator unseal -address` would.
  unseal: {
    method: 'POST',
    run: async (c, b) => {
      const f = checkFields(b, ['node', 'key']);
      return unsealOne(c, checkNodeName(f.node, names(c)), { key: checkShare(f.key) });
    },
  },
  'unseal-reset': {
    method: 'POST',
    run: async (c, b) => unsealOne(c, checkNodeName(checkFields(b, ['node']).node, names(c)), { reset: true }),
  },
  holders: notYet("the unseal lesson's key holders", 'GET'),
};

/** One step of a node's unseal over its API; its seal status after, or its refusal in its own words. */
async function unsealOne(c: ProcessControls, node: string, body: { key: string } | { reset: true }): Promise<Record<string, unknown>> {
  const r = await nodeCall(c.lab.node(node)!.o.apiAddr, 'PUT', 'sys/unseal', { body });
  if (!r) throw invalidInput(`${node} did not answer: it is down or paused`);
  if (r.status !== 200) throw invalidInput(((r.body.errors as string[] | undefined) ?? [`status ${r.status}`]).join('; '));
  // The ring moves at once, as an in-process node's unseal progress does; unsealed, the node's own log says so.
  if (r.body.sealed) c.lab.timeline.add({ time: Date.now(), node, type: 'unseal', detail: `${r.body.progress}/${r.body.t}` });
  return r.body;
}

/** What the endpoint holds besides the controls: the event hub and the dashboard's files. */
interface Served {
  hub: LabEventHub;
  ui: ReadonlyMap<string, UiFile>;
}

async function serve(
  c: ProcessControls,
  s: Served,
  port: number,
  secret: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const path = new URL(req.url ?? '/', 'http://control.invalid').pathname;
    if (isUiRequest(req.method, path)) return serveUi(s.ui, port, path, req, res);
    checkHost(req.headers, port);
    checkCaller(req.headers, port, secret);
    if (path === '/events') return await serveEvents(s.hub, req, res);
    const route = routeOf(ROUTES, req);
    const body = route.method === 'POST' ? await readJsonBody(req, new RealClock(), CONTROL_MAX_BODY_BYTES, CONTROL_BODY_TIMEOUT_MS) : {};
    sendJson(res, 200, { ok: true, result: (await route.run(c, body, { origin: `http://${req.headers.host}`, secret })) ?? null });
  } catch (err) {
    if (err instanceof ControlError) sendJson(res, err.status, { errors: err.errors });
    else sendJson(res, 500, { errors: [(err as Error).message] });
  }
}

/** Starts a process lab's control endpoint on 127.0.0.1 (port 0: any free one). */
export async function startProcessControl(
  c: ProcessControls,
  port: number,
  secret: string,
): Promise<{ url: string; watchers(): number; close(): Promise<void> }> {
  const served: Served = { hub: new LabEventHub(processEvents(c.lab)), ui: loadUiFiles() };
  const listener = await listenControl(port, (bound) => (req, res) => void serve(c, served, bound, secret, req, res));
  return { url: listener.url, watchers: () => served.hub.subscribers, close: listener.close };
}
