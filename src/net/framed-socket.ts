/**
 * One end of a cluster channel connection: frames in, frames out, over a TLS socket.
 * Writing waits for the socket to drain whenever it says its buffer is full, so a large
 * body is sent part by part at the pace the peer reads it (back-pressure), while other
 * streams' frames interleave. Reading can be paused (the whole connection, as TCP's window
 * pauses it) when a consumer of a streamed body falls behind. The socket remembers when it
 * last heard its peer, for the keepalive watch (cluster-keepalive.ts).
 */
import type { TLSSocket } from 'node:tls';
import { FrameError, FrameReader, type Frame } from './cluster-frames.ts';

/** What a connection's owner hears. */
export interface FramedSocketEvents {
  frame(frame: Frame): void;
  /** The connection is gone: closed by either side, or failed (`err`). Called once. */
  closed(err?: Error): void;
}

/** A TLS socket that speaks frames. */
export class FramedSocket {
  private readonly reader = new FrameReader();
  private drained: Promise<void> | undefined;
  private gone: Error | undefined;
  private lastHeard = performance.now();
  private paused = false;

  constructor(
    readonly socket: TLSSocket,
    private readonly on: FramedSocketEvents,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (err) => this.end(err));
    socket.on('close', () => this.end(new Error('cluster connection closed')));
  }

  /** Whether the connection still carries frames. */
  get open(): boolean {
    return this.gone === undefined;
  }

  /** Writes frames in order, waiting for the socket to drain between them when it is full; rejects once the connection is gone. */
  async send(frames: Buffer[]): Promise<void> {
    for (const f of frames) {
      while (this.drained) await this.drained;
      if (this.gone) throw this.gone;
      if (!this.socket.write(f)) this.drained ??= this.waitDrain();
    }
  }

  /**
   * Writes one control frame (a Ping or Pong) now, past frames still waiting for the socket to
   * drain: it waits in the socket's buffer behind at most the one body part written past the
   * buffer's mark, not behind the rest of a large body. Dropped once the connection is gone.
   */
  sendNow(frame: Buffer): void {
    if (!this.gone) this.socket.write(frame);
  }

  /** Stops reading (the peer's writes back up) until resume(). */
  pause(): void {
    this.paused = true;
    this.socket.pause();
  }

  resume(): void {
    if (this.paused) this.lastHeard = performance.now();
    this.paused = false;
    this.socket.resume();
  }

  /**
   * Since when the peer has been silent (performance.now() ms): its last byte, or the moment
   * reading resumed after a pause. While reading is paused, now: a peer cannot be heard while
   * we do not listen, so that time is not its silence.
   */
  quietSince(): number {
    return this.paused ? performance.now() : this.lastHeard;
  }

  /** Closes the connection; pending work fails with `err`. */
  close(err = new Error('cluster connection closed')): void {
    this.end(err);
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.lastHeard = performance.now();
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      return this.close(err instanceof FrameError ? err : new FrameError(String(err)));
    }
    for (const f of frames) this.on.frame(f);
  }

  private waitDrain(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        this.drained = undefined;
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private end(err: Error): void {
    if (this.gone) return;
    this.gone = err;
    this.on.closed(err);
  }
}
