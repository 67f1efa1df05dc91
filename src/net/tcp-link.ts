/**
 * A link in real time: a TCP proxy on a loopback port that connects each accepted socket to
 * its target and moves the bytes each way through the link model, on a Clock's timers.
 * Settings and faults can change while connections are open; they apply to later bytes.
 *
 * A new connection pays TCP's handshake round trip before its first byte leaves. While
 * partitioned, a new connection is accepted by the kernel (the proxy cannot refuse a SYN it
 * has already answered) but nothing passes and the target is not dialled until the heal: to
 * the client it stalls, as a connection to a blackholed host does. While `reset` is set every
 * open connection is reset (RST) and new ones are reset on arrival. A target that refuses or
 * resets resets the client too: a closed port answers with RST.
 *
 * Delays ride the Clock's timers. On a RealClock (the default) they are Node's, which fire no
 * sooner than 1 ms: a setting below 1 ms comes out near 1 ms. A lab's links run on a
 * PreciseClock (precise-clock.ts), which delivers sub-millisecond delays; virtual time is exact.
 */
import { once } from 'node:events';
import net, { type Socket } from 'node:net';
import { RealClock, type Clock } from '../clock/index.ts';
import { afterHandshake, type RandomSource } from './link-model.ts';
import { LinkPipe, type PipeHost } from './link-pipe.ts';
import { effectiveLink, NO_DELAY, type EffectiveLink, type LinkFaults, type LinkSettings } from './link-settings.ts';

/** Where a link forwards to, and where it listens (loopback, a free port unless given). */
export interface TcpLinkOptions {
  target: { host: string; port: number };
  listen?: { host?: string; port?: number };
  settings?: LinkSettings;
  faults?: LinkFaults;
  clock?: Clock;
  random?: RandomSource;
}

/** What went through a link, for the dashboard and the bench. */
export interface LinkStats {
  /** Connections accepted, open now, and reset by the `reset` fault or a resetting peer. */
  connections: { accepted: number; open: number; reset: number };
  /** Bytes delivered client → target and target → client, and bytes read but not yet delivered (on their way or held). */
  bytes: { toTarget: number; toClient: number; inFlight: number };
}

/** One proxied connection: the client's socket, the target's once dialled, a pipe each way. */
interface Connection {
  client: Socket;
  target?: Socket;
  pipes: LinkPipe[];
}

/** A TCP proxy applying one link's settings and faults. Make one with `TcpLink.open`. */
export class TcpLink {
  private settingsNow: LinkSettings;
  private faultsNow: LinkFaults;
  private linkNow: EffectiveLink;
  private readonly connections = new Set<Connection>();
  private listening = { host: '', port: 0 };
  private readonly counts: LinkStats = {
    connections: { accepted: 0, open: 0, reset: 0 },
    bytes: { toTarget: 0, toClient: 0, inFlight: 0 },
  };

  private constructor(
    private readonly server: net.Server,
    private readonly options: TcpLinkOptions,
    readonly clock: Clock,
    readonly random: RandomSource,
  ) {
    this.settingsNow = options.settings ?? NO_DELAY;
    this.faultsNow = options.faults ?? {};
    this.linkNow = effectiveLink(this.settingsNow, this.faultsNow);
    server.on('connection', (socket) => this.accept(socket));
  }

  /** A link listening on loopback (a free port unless `listen.port` names one), forwarding to `target`. */
  static async open(options: TcpLinkOptions): Promise<TcpLink> {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true });
    const link = new TcpLink(server, options, options.clock ?? new RealClock(), options.random ?? Math.random);
    server.listen(options.listen?.port ?? 0, options.listen?.host ?? '127.0.0.1');
    await once(server, 'listening');
    const bound = server.address() as net.AddressInfo;
    link.listening = { host: bound.address, port: bound.port };
    return link;
  }

  /** The address clients connect to: the link's, not the target's (kept after close()). */
  get address(): { host: string; port: number } {
    return this.listening;
  }

  get target(): { host: string; port: number } {
    return this.options.target;
  }

  /** The link as traffic meets it now. */
  get effective(): EffectiveLink {
    return this.linkNow;
  }

  get settings(): LinkSettings {
    return this.settingsNow;
  }

  get faults(): LinkFaults {
    return this.faultsNow;
  }

  /** New latency and jitter (a topology change); faults stay. */
  setSettings(settings: LinkSettings): void {
    this.settingsNow = settings;
    this.apply();
  }

  /** Replaces the faults; `setFaults({})` heals the link. */
  setFaults(faults: LinkFaults): void {
    this.faultsNow = faults;
    this.apply();
  }

  stats(): LinkStats {
    let inFlight = 0;
    for (const c of this.connections) for (const p of c.pipes) inFlight += p.pendingBytes;
    return { connections: { ...this.counts.connections }, bytes: { ...this.counts.bytes, inFlight } };
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    const closed = once(this.server, 'close');
    this.server.close();
    for (const c of [...this.connections]) this.drop(c, false);
    await closed;
  }

  private apply(): void {
    const before = this.linkNow;
    this.linkNow = effectiveLink(this.settingsNow, this.faultsNow);
    if (this.linkNow.reset) for (const c of [...this.connections]) this.drop(c, true);
    if (this.linkNow.partition && !before.partition) for (const c of this.connections) c.pipes.forEach((p) => p.partitioned());
    if (!this.linkNow.partition && before.partition) for (const c of [...this.connections]) this.healed(c);
  }

  private accept(client: Socket): void {
    this.counts.connections.accepted++;
    if (this.linkNow.reset) {
      this.counts.connections.reset++;
      client.resetAndDestroy();
      return;
    }
    const conn: Connection = { client, pipes: [] };
    this.connections.add(conn);
    this.counts.connections.open++;
    client.on('error', () => this.drop(conn, true));
    client.on('close', () => this.closed(conn));
    client.pause();
    if (!this.linkNow.partition) this.dial(conn);
  }

  private healed(conn: Connection): void {
    if (!conn.target) this.dial(conn);
    else conn.pipes.forEach((p) => p.healed());
  }

  /** Connects to the target and starts a pipe each way; a refusal resets the client, as a closed port does. */
  private dial(conn: Connection): void {
    const target = net.connect({ ...this.options.target, allowHalfOpen: true, noDelay: true });
    conn.target = target;
    target.on('error', () => this.drop(conn, true));
    target.on('close', () => this.closed(conn));
    const host = (direction: 'toTarget' | 'toClient'): PipeHost => ({
      clock: this.clock,
      random: this.random,
      link: () => this.linkNow,
      delivered: (n) => (this.counts.bytes[direction] += n),
    });
    const handshake = afterHandshake(this.linkNow, this.clock.now(), this.random);
    conn.pipes = [new LinkPipe(conn.client, target, host('toTarget'), handshake), new LinkPipe(target, conn.client, host('toClient'))];
    conn.client.resume();
  }

  /** Ends a connection: with RST both ways (`reset`, or a peer that failed), or quietly (close()). */
  private drop(conn: Connection, reset: boolean): void {
    if (!this.connections.has(conn)) return;
    if (reset) this.counts.connections.reset++;
    for (const socket of [conn.client, conn.target]) {
      if (!socket || socket.destroyed) continue;
      if (reset) socket.resetAndDestroy();
      else socket.destroy();
    }
    this.forget(conn);
  }

  /** A socket closed cleanly: the connection is over once both are (bytes may still be on their way to the open one). */
  private closed(conn: Connection): void {
    if (conn.client.destroyed && (!conn.target || conn.target.destroyed)) this.forget(conn);
  }

  private forget(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.counts.connections.open--;
    conn.pipes.forEach((p) => p.stop());
  }
}
