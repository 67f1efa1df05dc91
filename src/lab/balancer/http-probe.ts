/**
 * A health check over a real socket, as HAProxy's `option httpchk` makes it: a fresh
 * connection per check (no keep-alive: a pooled connection would hide a listener that no
 * longer accepts), one GET, the status line read, the connection closed. Its failures are
 * named in HAProxy's check_status words so both balancers report them alike.
 */
import http from 'node:http';
import https from 'node:https';
import { PASSING_STATUS } from './check-settings.ts';
import type { BalancedServer, Probe } from './health-poller.ts';
import type { CheckResult } from './server-health.ts';

/** How to check: the path, the time allowed, and with TLS the CA the nodes' certificates chain to. */
export interface HttpProbeOptions {
  path: string;
  timeoutMs: number;
  /** PEM of the CA to verify the node against (HAProxy: `check-ssl verify required ca-file`); none: plain HTTP. */
  ca?: string;
}

/** A probe that checks one server over HTTP(S). */
export function httpProbe(o: HttpProbeOptions): Probe {
  return (server: BalancedServer) => checkOnce(server, o);
}

function checkOnce(server: BalancedServer, o: HttpProbeOptions): Promise<CheckResult> {
  return new Promise((resolve) => {
    // How far the check got: TCP connected (layer 4), TLS agreed (layer 6), so a failure names its layer.
    let layer: 4 | 6 | 7 = 4;
    const settle = (r: CheckResult) => {
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const options = { host: server.host, port: server.port, path: o.path, method: 'GET', agent: false, headers: { connection: 'close' } };
    const req = o.ca ? https.request({ ...options, ca: o.ca }) : http.request(options);
    // A socket's deadline is wall time: this probe only ever runs against real sockets.
    const timer = setTimeout(() => settle({ ok: false, status: layer === 4 ? 'L4TOUT' : layer === 6 ? 'L6TOUT' : 'L7TOUT' }), o.timeoutMs);
    req.on('socket', (s) => {
      s.once('connect', () => (layer = o.ca ? 6 : 7));
      s.once('secureConnect', () => (layer = 7));
    });
    req.on('response', (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      settle(code === PASSING_STATUS ? { ok: true, status: 'L7OK', code } : { ok: false, status: 'L7STS', code });
    });
    req.on('error', () => settle({ ok: false, status: layer === 4 ? 'L4CON' : layer === 6 ? 'L6RSP' : 'L7RSP' }));
    req.end();
  });
}
