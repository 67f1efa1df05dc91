/**
 * Putting an app on a TCP port behind the LIST-method shim: a plain net server hands
 * each wrapped socket to fastify's HTTP server, which never listens itself.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { wrapSocket } from './list-method.ts';

/** A listening app: its address and how to stop it. */
export interface Listener {
  host: string;
  port: number;
  /** http://host:port */
  url: string;
  /** Stops accepting, drops open connections and closes the app. */
  close(): Promise<void>;
}

/** Listens on host:port (port 0 picks a free one). */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<Listener> {
  await app.ready();
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    app.server.emit('connection', wrapSocket(sock));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    host,
    port: addr.port,
    url: `http://${host}:${addr.port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await app.close();
    },
  };
}
