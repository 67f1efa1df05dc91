/**
 * The control endpoint of a process lab: the same paths, checks and answers as an in-process
 * lab's (control-server.ts), so `vaultlab kill|restart|seal|fault|heal|step-down|unseal --all|
 * status --all|down` work unchanged (control-verbs.ts), plus `fault-etcd` for the lab's own etcd
 * and `fault-link` for a node's links to it. What a process lab cannot do yet (zones, the
 * dashboard's stream and unseal lesson) is refused by name rather than answered as an unknown path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RealClock } from '../../clock/index.ts';
import { checkCaller, checkHost } from '../control-auth.ts';
import { readJsonBody } from '../control-body.ts';
import { ControlError, invalidInput } from '../control-errors.ts';
import { CONTROL_BODY_TIMEOUT_MS, CONTROL_MAX_BODY_BYTES, listenControl, routeOf, sendJson, type ControlRoute } from '../control-http.ts';
import { checkFields } from '../control-input.ts';
import { verbRoutes } from '../control-verbs.ts';
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

const notYet = (what: string): Route => ({
  method: 'POST',
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
  unseal: notYet("the dashboard's unseal lesson"),
  'unseal-reset': notYet("the dashboard's unseal lesson"),
};

async function serve(c: ProcessControls, port: number, secret: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    checkHost(req.headers, port);
    const path = new URL(req.url ?? '/', 'http://control.invalid').pathname;
    if (path === '/' || path === '/events' || path === '/ui' || path.startsWith('/ui/'))
      throw new ControlError(
        'CONTROL_NO_ROUTE',
        'the dashboard does not show a process lab yet: watch it with vaultlab status --all -watch',
      );
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
