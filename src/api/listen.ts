/**
 * Putting an app on a TCP port behind the LIST-method shim: a plain net server (or a TLS one,
 * listen-tls.ts, handing on the decrypted stream once the handshake is done) hands
 * each socket, taught the LIST method, to fastify's HTTP server, which never listens itself. Binding and
 * serving are two steps, so a lab can learn its port (port 0) before it builds the node
 * that advertises it, and can stop and restart serving on the same port (kill, restart).
 * Each listener bounds what slow or numerous clients can hold: Vault's read-header, read
 * and idle timeouts, and a cap on open connections (further ones are closed on arrival).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { RealClock, type Clock } from '../clock/index.ts';
import { createTlsServer, type ListenerTls } from './listen-tls.ts';
import { acceptListMethod } from './list-method.ts';
import { SocketDeadlines } from './socket-deadlines.ts';

/** Limits on a listener's clients (Vault's listener options, where Vault has them). */
export interface ListenerOptions {
  /** How long a request's head may take to arrive (Vault's http_read_header_timeout: 10 s). */
  readHeaderTimeoutMs?: number;
  /** How long a whole request, body included, may take to arrive (http_read_timeout: 30 s). */
  readTimeoutMs?: number;
  /** How long a keep-alive connection may wait for its next request (http_idle_timeout: 5 min). */
  idleTimeoutMs?: number;
  /** The most connections open at once; more are closed as they arrive (Vault has no cap; 1,024 here). */
  maxConnections?: number;
  /** Where the timeouts are timed (the wall clock unless a test gives another). */
  clock?: Clock;
  /** Serve HTTPS with this TLS (plain HTTP without). */
  tls?: ListenerTls;
}

/** The lab's listener limits: Vault's timeouts, and a cap well under a default file-descriptor limit. */
export const LISTENER_DEFAULTS: Readonly<Required<Omit<ListenerOptions, 'clock' | 'tls'>>> = {
  readHeaderTimeoutMs: 10_000,
  readTimeoutMs: 30_000,
  idleTimeoutMs: 300_000,
  maxConnections: 1024,
};

/** A bound port that serves an app once one is attached. */
export interface Listener {
  host: string;
  port: number;
  /** http://host:port, or https:// with TLS */
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

/** A listener's limits, each given or the lab's default. */
type Limits = Required<Omit<ListenerOptions, 'clock' | 'tls'>>;

function limitsOf(opts: ListenerOptions): Limits {
  const pick = <K extends keyof typeof LISTENER_DEFAULTS>(k: K) => opts[k] ?? LISTENER_DEFAULTS[k];
  return {
    readHeaderTimeoutMs: pick('readHeaderTimeoutMs'),
    readTimeoutMs: pick('readTimeoutMs'),
    idleTimeoutMs: pick('idleTimeoutMs'),
    maxConnections: pick('maxConnections'),
  };
}

/** Keeps `sock` among the open connections until it closes (stop() drops them all). */
function tracker(sockets: Set<Socket>): (sock: Socket) => void {
  return (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  };
}

/** Hands each accepted socket (decrypted, with TLS), taught LIST and under the listener's deadlines, to the attached app; refused while none is. */
function connectionHandler(appOf: () => FastifyInstance | undefined, limits: Limits, clock: Clock): (sock: Socket) => void {
  return (sock) => {
    const app = appOf();
    if (!app) return void sock.destroy();
    const deadlines = new SocketDeadlines(sock, limits, clock);
    sock.on('close', () => deadlines.stop());
    acceptListMethod(sock, (phase, received) => deadlines.update(phase, received));
    app.server.emit('connection', sock);
  };
}

/** A new server for the listener: plain, or TLS that hands on each connection once its handshake is done. */
function serverFor(opts: ListenerOptions, limits: Limits, track: (sock: Socket) => void, serve: (sock: Socket) => void): Server {
  // Node's http server turns Nagle off on its own sockets; ours come from net, so do it here
  // (with Nagle on, a response split over two writes waits ~40 ms for the peer's delayed ACK).
  const accept = (raw: Socket) => (raw.setNoDelay(true), track(raw));
  const s = opts.tls
    ? createTlsServer(opts.tls, limits.readHeaderTimeoutMs, accept, serve)
    : createServer((raw) => (accept(raw), serve(raw)));
  // net closes connections over the cap as they are accepted, before any byte is read.
  s.maxConnections = limits.maxConnections;
  return s;
}

/** Binds host:port (0 picks a free port); connections are refused until an app is attached. */
export async function bindListener(host: string, port: number, opts: ListenerOptions = {}): Promise<Listener> {
  const limits = limitsOf(opts);
  let app: FastifyInstance | undefined;
  const sockets = new Set<Socket>();
  const serve = connectionHandler(() => app, limits, opts.clock ?? new RealClock());
  const create = () => serverFor(opts, limits, tracker(sockets), serve);
  let server = create();
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
    url: `${opts.tls ? 'https' : 'http'}://${host}:${bound}`,
    attach: async (a) => {
      await a.ready();
      // Node times keep-alive connections between requests itself, per socket, once a response is sent.
      // The app's server is shared by its listeners (API and cluster port): they share this timeout.
      a.server.keepAliveTimeout = limits.idleTimeoutMs;
      app = a;
    },
    stop,
    reopen: async () => {
      if (server.listening) return;
      server = create();
      await listenOn(server, host, bound);
    },
    close: async () => {
      await stop();
      await app?.close();
    },
  };
}

/** Binds and serves in one step (single nodes). */
export async function listen(app: FastifyInstance, host: string, port: number, opts: ListenerOptions = {}): Promise<Listener> {
  const l = await bindListener(host, port, opts);
  await l.attach(app);
  return l;
}
