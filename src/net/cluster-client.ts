/**
 * A standby's end of the cluster channel: one mutual-TLS connection to the active's cluster
 * port, kept and shared by every request it forwards and by its echoes, as Vault's standby
 * keeps one gRPC connection. It presents the certificate and key the active advertised for
 * its term, and accepts only that certificate from the server. A new active (another holder
 * of the lock) means a new connection; when the connection drops, the requests in flight on it
 * fail and the standby's handler looks for the active again, as Vault's forwarding does. A
 * connection whose active falls silent while requests wait on it is closed by its keepalive
 * watch (cluster-keepalive.ts), which fails those requests the same way.
 */
import { connect, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { Readable } from 'node:stream';
import { endToEndHeaders, type Echo, type Forwarder, type ForwardRequest, type ForwardResponse, type LeaderInfo } from '../ha/index.ts';
import type { ClusterIdentity } from '../node/index.ts';
import { decodeHead, END, encodeFrame, FrameKind, messageFrames, type Frame } from './cluster-frames.ts';
import { checkKeepaliveTimeout, KeepaliveWatch } from './cluster-keepalive.ts';
import { CLUSTER_PROTOCOL, type RequestHead, type ResponseHead } from './cluster-server.ts';
import { FramedSocket } from './framed-socket.ts';

/**
 * The longest an active may stay silent while a request waits on it, by default: what Vault's
 * standby tolerates before gRPC's keepalive closes its forwarding connection, a Ping after
 * Time = 2 × the 5 s cluster heartbeat interval, then gRPC's default Timeout of 20 s.
 */
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 10_000 + 20_000;

/** How a standby reaches the active. */
export interface ClusterClientOptions {
  /** The certificate and key `leader` advertised for its term (from its leader entry), or none yet. */
  credentials(leader: LeaderInfo): Promise<ClusterIdentity | undefined>;
  /** How long a connection may take to open (default 10 s; never longer than keepaliveTimeoutMs). */
  connectTimeoutMs?: number;
  /**
   * How long the active may stay silent (no byte at all) while a request waits on the
   * connection before the connection is declared dead and its requests fail; a Ping goes out
   * at half of it (default DEFAULT_KEEPALIVE_TIMEOUT_MS, Vault's; a whole number of ms, at least 20).
   */
  keepaliveTimeoutMs?: number;
  /**
   * The address to dial for an advertised cluster address (default: that address). A lab with a
   * topology dials its link to the active instead; the certificate checks are the same either way.
   */
  route?(clusterAddr: string): string;
}

interface Pending {
  resolve(res: ForwardResponse): void;
  reject(err: Error): void;
  /** The body still arriving, once the head came without END. */
  body?: Readable;
}

/** One connection to one active (one holder of the lock). */
class Connection {
  private readonly pending = new Map<number, Pending>();
  private nextStream = 1;
  private retiring = false;
  private readonly watch: KeepaliveWatch;

  constructor(
    readonly framed: FramedSocket,
    keepaliveTimeoutMs: number,
    address: string,
  ) {
    this.watch = new KeepaliveWatch(
      {
        quietSince: () => framed.quietSince(),
        ping: (payload) => framed.sendNow(encodeFrame(0, FrameKind.Ping, END, payload)),
        dead: (err) => framed.close(err),
      },
      keepaliveTimeoutMs,
      address,
    );
  }

  request(req: ForwardRequest): Promise<ForwardResponse> {
    const stream = this.nextStream;
    this.nextStream = this.nextStream >= 0xffffffff ? 1 : this.nextStream + 1;
    const head: RequestHead = { m: req.method, u: req.url, h: endToEndHeaders(req.headers), a: req.ip };
    return new Promise<ForwardResponse>((resolve, reject) => {
      this.pending.set(stream, { resolve, reject });
      this.watch.start();
      this.framed.send(messageFrames(stream, FrameKind.RequestHead, head, req.body)).catch((err: Error) => this.fail(stream, err));
    });
  }

  echo(echo: Echo): void {
    this.framed.send([encodeFrame(0, FrameKind.Echo, END, Buffer.from(JSON.stringify(echo)))]).catch(() => undefined);
  }

  onFrame(f: Frame): void {
    // A Pong needs nothing more: any byte heard from the active already counts as its answer.
    if (f.kind === FrameKind.Pong) return;
    const p = this.pending.get(f.stream);
    if (!p) return;
    if (f.kind === FrameKind.ResponseHead) {
      const { head, body } = decodeHead<ResponseHead>(f.payload);
      if (f.flags & END) {
        this.settled(f.stream);
        return p.resolve({ status: head.s, headers: head.h, body });
      }
      // A body in several parts streams on to the client: reading pauses while the client is slower than the active.
      p.body = new Readable({ read: () => this.framed.resume() });
      p.body.push(body);
      p.resolve({ status: head.s, headers: { ...head.h, 'content-length': String(head.n) }, body: p.body });
    } else if (f.kind === FrameKind.Data && p.body) {
      if (!p.body.push(f.payload)) this.framed.pause();
      if (f.flags & END) {
        p.body.push(null);
        this.settled(f.stream);
      }
    } else if (f.kind === FrameKind.Error) {
      this.fail(f.stream, new Error(`the active failed the request: ${f.payload.toString('utf8')}`));
    }
  }

  /** Closes the connection once no request waits on it (now, if none does). */
  closeWhenIdle(): void {
    this.retiring = true;
    if (this.pending.size === 0) this.framed.close();
  }

  /** The connection is gone: every request on it fails. */
  failAll(err: Error): void {
    this.watch.stop();
    for (const stream of [...this.pending.keys()]) this.fail(stream, err);
  }

  /** A stream is done: a retiring connection closes after its last one. */
  private settled(stream: number): void {
    this.pending.delete(stream);
    if (this.pending.size > 0) return;
    this.watch.stop();
    if (this.retiring) this.framed.close();
  }

  private fail(stream: number, err: Error): void {
    const p = this.pending.get(stream);
    if (!p) return;
    this.settled(stream);
    if (p.body) p.body.destroy(err);
    else p.reject(err);
  }
}

/** A standby's forwarder over the cluster port. */
export class ClusterClient implements Forwarder {
  blocked = false;
  /** The connection to the active last asked for, opened or opening, and which holder of the lock it reaches. */
  private current: { holder: string; conn: Promise<Connection> } | undefined;

  private readonly keepaliveTimeoutMs: number;

  /** Throws a RangeError on a bad keepaliveTimeoutMs. */
  constructor(private readonly opts: ClusterClientOptions) {
    this.keepaliveTimeoutMs = checkKeepaliveTimeout(opts.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS);
  }

  async forward(leader: LeaderInfo, req: ForwardRequest): Promise<ForwardResponse> {
    if (this.blocked) throw new Error('active node unreachable (partitioned from peers)');
    const conn = await this.connectionTo(leader);
    return conn.request(req);
  }

  /** Sends a heartbeat to the active over the same connection (dropped silently when it cannot be sent, as a lost echo is). */
  echo(leader: LeaderInfo, echo: Echo): void {
    if (this.blocked) return;
    this.connectionTo(leader).then(
      (c) => c.echo(echo),
      () => undefined,
    );
  }

  /** Closes the connection at once: requests in flight on it fail (the node is gone). */
  async close(): Promise<void> {
    (await this.detach())?.framed.close();
  }

  /**
   * The node stops forwarding (it left standby): the connection closes once the answers it
   * waits for have come (a forwarded step-down's 204 among them), and no new request takes it.
   */
  async retire(): Promise<void> {
    (await this.detach())?.closeWhenIdle();
  }

  private async detach(): Promise<Connection | undefined> {
    const c = this.current;
    this.current = undefined;
    return c?.conn.catch(() => undefined);
  }

  /** The connection to `leader`, opened on first use; a connection to an earlier active is closed. */
  private connectionTo(leader: LeaderInfo): Promise<Connection> {
    if (this.current?.holder === leader.holder) return this.current.conn;
    // A new active: the old one's connection goes once its answers are in.
    void this.retire();
    // A failed or closed connection is forgotten at once (not on the socket's later 'close'), so the very next request opens a new one.
    const forget = () => {
      if (this.current === current) this.current = undefined;
    };
    const current = { holder: leader.holder, conn: this.open(leader, forget) };
    this.current = current;
    current.conn.catch(forget);
    return current.conn;
  }

  /** Opens a connection to `leader`; `gone` is called the moment it closes or fails. */
  private async open(leader: LeaderInfo, gone: () => void): Promise<Connection> {
    const id = await this.opts.credentials(leader);
    if (!id) throw new Error(`no cluster certificate advertised by the active (${leader.holder}) yet`);
    const address = this.opts.route?.(leader.clusterAddr) ?? leader.clusterAddr;
    // A handshake is a wait on the peer too: one that stays silent for the keepalive deadline is as dead as a connection that does.
    const socket = await dial(new URL(address), id, Math.min(this.opts.connectTimeoutMs ?? 10_000, this.keepaliveTimeoutMs));
    let conn: Connection | undefined;
    const framed = new FramedSocket(socket, {
      frame: (f) => conn?.onFrame(f),
      closed: (err) => {
        gone();
        conn?.failAll(err ?? new Error('cluster connection closed'));
      },
    });
    conn = new Connection(framed, this.keepaliveTimeoutMs, new URL(leader.clusterAddr).host);
    return conn;
  }
}

/** Opens the TLS connection: present the term's certificate, accept only the same one from the server. */
function dial(target: URL, id: ClusterIdentity, timeoutMs: number): Promise<TLSSocket> {
  const expected = new X509Certificate(id.cert).fingerprint256;
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: Number(target.port),
      cert: id.cert,
      key: id.key,
      ca: [id.cert],
      ALPNProtocols: [CLUSTER_PROTOCOL],
      // The certificate is pinned: the server must hold exactly the one the leader entry names.
      checkServerIdentity: (_host, cert) =>
        cert.fingerprint256 === expected
          ? undefined
          : new Error('the cluster port presented another certificate than the active advertised'),
    });
    const timer = setTimeout(() => socket.destroy(new Error(`cluster connection to ${target.host} timed out`)), timeoutMs);
    const failed = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', failed);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.off('error', failed);
      resolve(socket);
    });
  });
}
