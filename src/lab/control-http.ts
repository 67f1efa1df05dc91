/**
 * What every lab's control endpoint shares, whatever runs the nodes (this process, or one
 * process per node): a table of verbs by path, JSON answers with `{"errors":[...]}` on refusal,
 * and a plain node:http server on 127.0.0.1 with Node's bounds on slow headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ControlError } from './control-errors.ts';

/** The default body bound: a few KB, far above any real request. */
export const CONTROL_MAX_BODY_BYTES = 4096;

/** The default time allowed for a body to arrive. */
export const CONTROL_BODY_TIMEOUT_MS = 5000;

/** Where the request reached the lab: the origin it named (a checked loopback one) and the lab's secret. */
export interface Where {
  origin: string;
  secret: string;
}

/** One verb: its method and what it does with the checked body. */
export interface ControlRoute<C> {
  method: 'GET' | 'POST';
  run(c: C, body: Record<string, unknown>, at: Where): Promise<unknown>;
}

/** The route a request names, or the refusal that says which exist. */
export function routeOf<C>(routes: Record<string, ControlRoute<C>>, req: IncomingMessage): ControlRoute<C> {
  const path = new URL(req.url ?? '/', 'http://control.invalid').pathname;
  const verb = path.slice(1);
  const route = /^[a-z-]+$/.test(verb) && Object.hasOwn(routes, verb) ? routes[verb] : undefined;
  if (!route)
    throw new ControlError('CONTROL_NO_ROUTE', `unknown lab action ${JSON.stringify(path)} (one of ${Object.keys(routes).join(', ')})`);
  if (req.method !== route.method) throw new ControlError('CONTROL_METHOD', `${path} takes ${route.method}, not ${req.method}`);
  return route;
}

/** Answers JSON; a refusal closes the connection after draining what the client still sends. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (status >= 400) {
    // A refused request's unread body must not be taken for the next request: drain it (Node's
    // requestTimeout bounds that) and close, rather than reset a client still sending.
    headers.connection = 'close';
    res.req.resume();
  }
  res.writeHead(status, headers);
  res.end(`${JSON.stringify(body)}\n`);
}

/** A listening control endpoint. */
export interface ControlListener {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 (port 0: any free one); `handle` is called once the port is known, and
 * before that every request is told the lab is starting.
 */
export async function listenControl(
  port: number,
  handle: (port: number) => (req: IncomingMessage, res: ServerResponse) => void,
): Promise<ControlListener> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
    if (handler) handler(req, res);
    else sendJson(res, 503, { errors: ['the lab is starting'] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  handler = handle(bound);
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
