/**
 * Putting an app on a TCP port behind the LIST-method shim: a plain net server hands
 * each socket, taught the LIST method, to fastify's HTTP server, which never listens itself. Binding and
 * serving are two steps, so a lab can learn its port (port 0) before it builds the node
 * that advertises it, and can stop and restart serving on the same port (kill, restart).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { acceptListMethod } from './list-method.ts';

/** A bound port that serves an app once one is attached. */
export interface Listener {
  host: string;
  port: number;
  /** http://host:port */
  url: string;
  /** Starts handing connections to `app` (after `app.ready()`). */
  attach(app: FastifyInstance): Promise<void>;
  /** Stops accepting and drops every open connection; the port can be reopened with `reopen()`. */
  stop(): Promise<void>;
  /** Listens again on the same port after `stop()`. */
  reopen(): Promise<void>;
  /** Stops for good and closes the attached app. */
  close(): Promise<void>;
}

function listenOn(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Binds host:port (0 picks a free port); connections are refused until an app is attached. */
export async function bindListener(host: string, port: number): Promise<Listener> {
  let app: FastifyInstance | undefined;
  const sockets = new Set<Socket>();
  const onConnection = (sock: Socket) => {
    if (!app) return sock.destroy();
    // Node's http server turns Nagle off on its own sockets; ours come from net, so do it here
    // (with Nagle on, a response split over two writes waits ~40 ms for the peer's delayed ACK).
    sock.setNoDelay(true);
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    acceptListMethod(sock);
    app.server.emit('connection', sock);
  };
  let server = createServer(onConnection);
  const bound = await listenOn(server, host, port);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  return {
    host,
    port: bound,
    url: `http://${host}:${bound}`,
    attach: async (a) => {
      await a.ready();
      app = a;
    },
    stop,
    reopen: async () => {
      if (server.listening) return;
      server = createServer(onConnection);
      await listenOn(server, host, bound);
    },
    close: async () => {
      await stop();
      await app?.close();
    },
  };
}

/** Binds and serves in one step (single nodes). */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<Listener> {
  const l = await bindListener(host, port);
  await l.attach(app);
  return l;
}
