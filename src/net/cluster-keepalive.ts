/**
 * The standby's watch over its cluster connection: a blackholed network (a partition that
 * holds bytes rather than resetting) leaves a forwarded request waiting forever, since TCP
 * reports nothing. Vault's standby runs gRPC with keepalive on its forwarding connection
 * (vault/request_forwarding.go: keepalive.ClientParameters{Time: 2 × the cluster heartbeat
 * interval, 5 s by default}, Timeout left at gRPC's 20 s, PermitWithoutStream false): after
 * Time without hearing the active it pings, and when Timeout passes still without a byte the
 * connection closes and the calls on it fail, after which Vault's standby answers with a 307.
 *
 * Here one deadline plays both parts: past half of it in silence the standby sends a Ping,
 * past all of it the peer is declared dead. As in gRPC without PermitWithoutStream, the watch
 * runs only while requests wait for answers: an idle connection sends no frame and keeps no timer past one tick,
 * and a dead one is found by the next request that needs it.
 *
 * Silence is wall-clock time in which the peer could have been heard and was not, so three
 * things do not count: time while this side paused reading (a slow client of a large answer:
 * FramedSocket.quietSince), time the event loop was blocked (a late timer: a GC pause or a
 * loaded 2-core machine; the peer's answer may be waiting unread in the socket), and the I/O
 * of the loop's current turn (the verdict waits one setImmediate, after the poll phase has
 * read whatever arrived meanwhile).
 */
import { PING_PAYLOAD } from './cluster-frames.ts';

/** The connection a watch keeps an eye on. */
export interface WatchedConnection {
  /** Since when the peer has been silent (performance.now() ms); now while reading is paused. */
  quietSince(): number;
  /** Sends a Ping with these opaque bytes, ahead of queued body parts. */
  ping(payload: Buffer): void;
  /** The peer is silent past the deadline: close the connection, failing what waits on it with `err`. */
  dead(err: Error): void;
}

/** The smallest deadline accepted: a quarter of it is the watch's tick, and Node's timers are no finer than 1 ms. */
const MIN_KEEPALIVE_TIMEOUT_MS = 20;
/** The largest: what Node's timers can wait (a longer one would fire at once). */
const MAX_KEEPALIVE_TIMEOUT_MS = 2 ** 31 - 1;

/** Refuses a deadline that is not a whole number of milliseconds in range, with an error that names it. */
export function checkKeepaliveTimeout(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < MIN_KEEPALIVE_TIMEOUT_MS || ms > MAX_KEEPALIVE_TIMEOUT_MS)
    throw new RangeError(
      `keepaliveTimeoutMs must be a whole number of milliseconds from ${MIN_KEEPALIVE_TIMEOUT_MS} to ${MAX_KEEPALIVE_TIMEOUT_MS}, got ${String(ms)}`,
    );
  return ms;
}

/** Watches one connection while requests wait on it. */
export class KeepaliveWatch {
  /**
   * The armed tick, if any. Stopping leaves it armed, to lapse at its next tick: a standby forwarding one
   * request at a time starts and stops the watch per request, which then costs a flag, not a timer.
   */
  private timer: NodeJS.Timeout | undefined;
  /** When the armed tick was due. */
  private dueAt = 0;
  /** A request waits on the connection: silence counts. */
  private watching = false;
  /** Counts starts: a verdict deferred past a stop and a new start belongs to the earlier watch. */
  private started = 0;
  /** Since when silence counts: the watch's start, moved on by the peer's bytes and by time the loop was blocked. */
  private quietFrom = 0;
  /** The quietFrom a Ping was sent for: one Ping per stretch of silence. */
  private pingedFor: number | undefined;
  private pings = 0;

  constructor(
    private readonly conn: WatchedConnection,
    private readonly timeoutMs: number,
    /** Where the connection goes, for the error: the active's cluster address. */
    private readonly address: string,
  ) {}

  /** Starts watching (a request now waits); a no-op while already watching. */
  start(): void {
    if (this.watching) return;
    this.watching = true;
    this.started++;
    this.quietFrom = performance.now();
    this.pingedFor = undefined;
    if (!this.timer) this.arm();
  }

  /** Stops watching (no request waits, or the connection is gone); a tick still armed finds nothing to watch and lapses. */
  stop(): void {
    this.watching = false;
  }

  /** Ticks at a quarter of the deadline: a Ping goes out between 1/2 and 3/4 of it, the verdict comes between 1 and 1 1/4. */
  private arm(): void {
    const step = this.timeoutMs / 4;
    this.dueAt = performance.now() + step;
    this.timer = setTimeout(() => this.tick(), step);
    // The watch never keeps a process alive: a standby exiting does not wait for it.
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.watching) return;
    const now = performance.now();
    // Fired late: the loop was blocked for that long, and nothing could be heard meanwhile.
    this.quietFrom = Math.min(now, Math.max(this.quietFrom, this.conn.quietSince()) + Math.max(0, now - this.dueAt));
    const silence = now - this.quietFrom;
    if (silence >= this.timeoutMs) return this.judgeAfterIo();
    if (silence >= this.timeoutMs / 2 && this.pingedFor !== this.quietFrom) {
      this.pingedFor = this.quietFrom;
      this.conn.ping(pingPayload(++this.pings));
    }
    this.arm();
  }

  /** Declares the peer dead only if it is still silent once the loop has read what reached the socket. */
  private judgeAfterIo(): void {
    const started = this.started;
    const immediate = setImmediate(() => {
      // Stopped (the last answer came) or restarted meanwhile: this verdict is stale (a restart armed its own tick).
      if (!this.watching || this.started !== started) return;
      if (this.conn.quietSince() <= this.quietFrom) {
        this.stop();
        return this.conn.dead(new Error(`cluster connection to ${this.address} timed out: no answer to keepalive in ${this.timeoutMs} ms`));
      }
      this.arm();
    });
    immediate.unref();
  }
}

/** A Ping's opaque bytes: its number on this connection (the peer only echoes them). */
function pingPayload(n: number): Buffer {
  const out = Buffer.alloc(PING_PAYLOAD);
  out.writeBigUInt64BE(BigInt(n));
  return out;
}
