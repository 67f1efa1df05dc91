/**
 * The control endpoint of a process lab: the same paths, checks and answers as an in-process
 * lab's (control-server.ts), so `vaultlab kill|restart|seal|fault|heal|step-down|unseal --all|
 * status --all|down` work unchanged, plus `fault-etcd` for the lab's own etcd. What a process
 * lab cannot do yet (links and zones, the dashboard's stream and unseal lesson) is refused by
 * name rather than answered as an unknown path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RealClock } from '../../clock/index.ts';
import { checkCaller, checkHost } from '../control-auth.ts';
import { readJsonBody } from '../control-body.ts';
import { ControlError, invalidInput } from '../control-errors.ts';
import { listenControl, routeOf, sendJson, type ControlRoute } from '../control-http.ts';
import { checkFault, checkFields, checkNodeName } from '../control-input.ts';
import { CONTROL_BODY_TIMEOUT_MS, CONTROL_MAX_BODY_BYTES } from '../control-server.ts';
import type { UnsealOutcome } from '../lab-keys.ts';
import type { ProcessFaults } from './process-faults.ts';
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

const onNode = (kind: 'kill' | 'restart' | 'seal'): Route => ({
  method: 'POST',
  run: (c, b) => c.faults.start(checkNodeName(checkFields(b, ['node']).node, names(c)), kind),
});

const bare = (method: Route['method'], fn: (c: ProcessControls) => Promise<unknown>): Route => ({
  method,
  run: (c, b) => (checkFields(b, []), fn(c)),
});

const notYet = (what: string): Route => ({
  method: 'POST',
  run: async () => {
    throw invalidInput(`${what} is not available in a process lab yet`);
  },
});

const ROUTES: Record<string, Route> = {
  status: bare('GET', (c) => c.lab.status()),
  kill: onNode('kill'),
  restart: onNode('restart'),
  seal: onNode('seal'),
  'step-down': bare('POST', async (c) => ({ node: (await c.faults.stepDown()) ?? null })),
  'unseal-all': bare('POST', async (c) => ({ nodes: await c.unsealAll() })),
  fault: {
    method: 'POST',
    run: async (c, b) => {
      const f = checkFields(b, ['node', 'kind', 'duration_ms']);
      const r = checkFault(f.node, f.kind, f.duration_ms, names(c));
      return c.faults.start(r.node, r.kind, r.durationMs);
    },
  },
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
  unseal: notYet("the dashboard's unseal lesson"),
  'unseal-reset': notYet("the dashboard's unseal lesson"),
  heal: bare('POST', async (c) => c.faults.heal()),
  down: bare('POST', (c) => c.down()),
};

async function serve(c: ProcessControls, port: number, secret: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    checkHost(req.headers, port);
    checkCaller(req.headers, port, secret);
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
): Promise<{ url: string; close(): Promise<void> }> {
  const listener = await listenControl(port, (bound) => (req, res) => void serve(c, bound, secret, req, res));
  return { url: listener.url, close: listener.close };
}
