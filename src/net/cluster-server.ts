/**
 * A node's cluster port (Vault's cluster_addr, API port + 1): mutual TLS with the certificate
 * the node made for its current term as active, and nothing else. A peer must present that
 * same certificate (standbys read it, with its key, from the leader entry behind the barrier),
 * so a node that is not unsealed, or still holds an earlier term's, is refused at the handshake.
 * While the node is not active the port takes no connection at all. Each connection carries
 * framed requests (cluster-frames.ts), handed to the node's handler without an HTTP parse,
 * standbys' echoes, and their keepalive Pings, each answered with a Pong.
 */
import { X509Certificate } from 'node:crypto';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { tooLargeResponse, type PlainRequest, type PlainResponse } from '../api/index.ts';
import type { Echo } from '../ha/index.ts';
import type { ClusterIdentity } from '../node/index.ts';
import { decodeHead, END, FrameKind, messageFrames, encodeFrame, type Frame } from './cluster-frames.ts';
import { FramedSocket } from './framed-socket.ts';

/** The head of a forwarded request on the wire. */
export interface RequestHead {
  m: string;
  u: string;
  h: Record<string, string | string[]>;
  /** The client's address as the standby saw it (auth methods bind logins and tokens to it). */
  a?: string;
}

/** The head of a response on the wire; `n` is the body's full length. */
export interface ResponseHead {
  s: number;
  h: Record<string, string>;
  n: number;
}

/** What the cluster port serves once attached. */
export interface ClusterService {
  /** Serves one forwarded request. */
  handle(req: PlainRequest): Promise<PlainResponse>;
  /** A standby's heartbeat arrived. */
  echo(echo: Echo): void;
  /** The most body a forwarded request may bring (Vault's max_request_size). */
  maxRequestSize: number;
}

interface ConnState {
  /** Requests received and not yet answered. */
  inflight: number;
  /** Close once the last answer is sent (the term this connection belongs to is over). */
  draining: boolean;
}

interface Incoming {
  head: RequestHead;
  parts: Buffer[];
  size: number;
}

/** The ALPN name both ends insist on, so nothing else (an HTTP client) gets past the handshake by accident. */
export const CLUSTER_PROTOCOL = 'vaultlab-cluster/1';

/** A bound cluster port. */
export class ClusterListener {
  private server: Server | undefined;
  private identity: ClusterIdentity | undefined;
  /** The SHA-256 fingerprint of the identity's certificate: the only one a peer may present. */
  private fingerprint: string | undefined;
  private service: ClusterService | undefined;
  private readonly sockets = new Set<Socket>();
  /** The state of each connection past its handshake. */
  private readonly conns = new Map<TLSSocket, ConnState>();
  /** Connections refused at the handshake so far (a peer without the term's certificate). */
  refused = 0;

  private constructor(
    readonly host: string,
    private boundPort: number,
  ) {}

  /** Binds host:port (0 picks a free port); nothing is served until attach() and serve(). */
  static async bind(host: string, port: number): Promise<ClusterListener> {
    const l = new ClusterListener(host, port);
    await l.startServer();
    return l;
  }

  get port(): number {
    return this.boundPort;
  }

  /** https://host:port: what the leader entry and sys/leader advertise. */
  get url(): string {
    return `https://${this.host}:${this.port}`;
  }

  /** What requests arriving here are handed to. */
  attach(service: ClusterService): void {
    this.service = service;
  }

  /**
   * Serves with `identity` (a new term's certificate), or nobody. Every connection of the
   * previous term closes: at once when idle, else as soon as the answers already being
   * computed on it are sent (a forwarded step-down's 204 included); meanwhile the node,
   * no longer active, answers anything new on it with a 503.
   */
  serve(identity: ClusterIdentity | undefined): void {
    if (identity === this.identity) return;
    this.identity = identity;
    this.fingerprint = identity && new X509Certificate(identity.cert).fingerprint256;
    if (identity) this.server?.setSecureContext(secureContext(identity));
    for (const [socket, c] of this.conns) {
      if (c.inflight > 0) c.draining = true;
      else socket.destroy();
    }
  }

  /** Open connections (from standbys). */
  get connections(): number {
    return this.sockets.size;
  }

  /** Stops accepting and drops every connection; reopen() listens on the same port again. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async reopen(): Promise<void> {
    if (!this.server?.listening) await this.startServer();
  }

  async close(): Promise<void> {
    await this.stop();
  }

  private async startServer(): Promise<void> {
    const server = createServer({ requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2', ALPNProtocols: [CLUSTER_PROTOCOL] });
    if (this.identity) server.setSecureContext(secureContext(this.identity));
    server.on('connection', (s: Socket) => {
      // Not active: no term certificate to serve with, so no handshake at all.
      if (!this.identity || !this.service) return void s.destroy();
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('tlsClientError', (_err, s) => {
      this.refused++;
      s.destroy();
    });
    server.on('secureConnection', (s: TLSSocket) => this.accept(s));
    this.server = server;
    this.boundPort = await listenOn(server, this.host, this.boundPort);
  }

  private accept(socket: TLSSocket): void {
    const service = this.service!;
    const streams = new Map<number, Incoming>();
    // A handshake that began under the previous term's certificate ends here.
    const presented = socket.getPeerX509Certificate()?.fingerprint256;
    if (!this.fingerprint || presented !== this.fingerprint) return void socket.destroy();
    const state: ConnState = { inflight: 0, draining: false };
    this.conns.set(socket, state);
    const conn: FramedSocket = new FramedSocket(socket, {
      frame: (f) => this.onFrame(f, streams, conn, service, state),
      closed: () => {
        streams.clear();
        this.conns.delete(socket);
      },
    });
  }

  private onFrame(f: Frame, streams: Map<number, Incoming>, conn: FramedSocket, service: ClusterService, state: ConnState): void {
    if (f.kind === FrameKind.Echo) return service.echo(JSON.parse(f.payload.toString('utf8')) as Echo);
    // A standby's keepalive: answered at once, ahead of any body parts still waiting for the socket to drain (sendNow),
    // so a large answer to a slow reader does not read as silence.
    if (f.kind === FrameKind.Ping) return conn.sendNow(encodeFrame(0, FrameKind.Pong, END, f.payload));
    let req: Incoming | undefined;
    if (f.kind === FrameKind.RequestHead) {
      const { head, body } = decodeHead<RequestHead>(f.payload);
      req = { head, parts: [body], size: body.length };
      streams.set(f.stream, req);
    } else if (f.kind === FrameKind.Data) {
      req = streams.get(f.stream);
      if (!req) return;
      // Over the limit the parts are dropped as they come: the answer will be the 413, not a 32 MiB buffer.
      req.size += f.payload.length;
      if (req.size <= service.maxRequestSize) req.parts.push(f.payload);
    } else {
      streams.delete(f.stream);
      return;
    }
    if (f.flags & END) {
      streams.delete(f.stream);
      state.inflight++;
      void this.answer(f.stream, req, conn, service).finally(() => {
        if (--state.inflight === 0 && state.draining) conn.close();
      });
    }
  }

  private async answer(stream: number, req: Incoming, conn: FramedSocket, service: ClusterService): Promise<void> {
    let frames: Buffer[];
    try {
      const res =
        req.size > service.maxRequestSize
          ? tooLargeResponse()
          : await service.handle({ method: req.head.m, url: req.head.u, headers: req.head.h, body: bodyOf(req.parts), ip: req.head.a });
      frames = messageFrames(stream, FrameKind.ResponseHead, { s: res.status, h: res.headers, n: res.body.length }, res.body);
    } catch (err) {
      frames = [encodeFrame(stream, FrameKind.Error, END, Buffer.from(err instanceof Error ? err.message : String(err)))];
    }
    await conn.send(frames).catch(() => undefined);
  }
}

function bodyOf(parts: Buffer[]): Buffer | undefined {
  if (parts.length === 1) return parts[0]!.length ? parts[0] : undefined;
  return Buffer.concat(parts);
}

/** Serve with the term's certificate and trust only it: a peer must present the same one. */
function secureContext(id: ClusterIdentity) {
  return { cert: id.cert, key: id.key, ca: [id.cert] };
}

function listenOn(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}
