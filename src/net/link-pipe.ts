/**
 * One direction of one proxied connection: bytes read from one socket wait out the link model
 * and are written to the other, in order, the FIN last.
 *
 * A partition holds every byte not yet delivered, including those already on their way: a
 * blackholed segment is dropped and TCP retransmits it once the path is back, so after `heal`
 * the held bytes DO arrive, late, timed from the heal (connections stall, they do not lose
 * data; only the endpoints' own timeouts end them, as on a real network). The held bytes are
 * bounded: past HIGH_WATER the source socket is paused, so the sender's kernel buffers fill
 * and its writes back up, as a closed TCP window makes them.
 */
import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../clock/index.ts';
import { deliverChunk, IDLE_DIRECTION, isTransparent, type DirectionState, type RandomSource } from './link-model.ts';
import type { EffectiveLink } from './link-settings.ts';

/** Above this many bytes waiting in one direction the source is paused; below LOW_WATER it reads again. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

/** What a pipe asks of the link it belongs to. */
export interface PipeHost {
  readonly clock: Clock;
  readonly random: RandomSource;
  /** The link as it is now (settings and faults change while connections are open). */
  link(): EffectiveLink;
  /** Bytes delivered to the far end. */
  delivered(bytes: number): void;
}

/** A chunk on its way; `data` null is the FIN; `arrivesAt` undefined while a partition holds it. */
interface InFlight {
  data: Buffer | null;
  arrivesAt: number | undefined;
}

/** Moves one direction's bytes through the link model. */
export class LinkPipe {
  private readonly queue: InFlight[] = [];
  private queuedBytes = 0;
  private timer: TimerHandle | undefined;
  private waitingForDrain = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly host: PipeHost,
    private state: DirectionState = IDLE_DIRECTION,
  ) {
    from.on('data', (data: Buffer) => this.send(data));
    from.on('end', () => this.send(null));
    to.on('drain', () => {
      this.waitingForDrain = false;
      this.resumeIfRoom();
      this.pump();
    });
  }

  /** Bytes read and not yet delivered (held by a partition or waiting out the latency). */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** The link was cut: every undelivered chunk is held (a dropped segment, to be sent again). */
  partitioned(): void {
    this.host.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const chunk of this.queue) chunk.arrivesAt = undefined;
  }

  /** The link is back: the held chunks leave now, in order, through the model. */
  healed(): void {
    const link = this.host.link();
    this.state = { ...this.state, wireFreeAt: -Infinity, lastArrivalAt: -Infinity };
    for (const chunk of this.queue) if (chunk.arrivesAt === undefined) chunk.arrivesAt = this.arrival(chunk.data, link);
    this.pump();
  }

  /** Stops the timer (the connection is gone). */
  stop(): void {
    this.host.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private send(data: Buffer | null): void {
    const link = this.host.link();
    if (data && this.queue.length === 0 && !this.waitingForDrain && isTransparent(link)) return this.write(data);
    this.queue.push({ data, arrivesAt: link.partition ? undefined : this.arrival(data, link) });
    this.queuedBytes += data?.length ?? 0;
    if (this.queuedBytes > HIGH_WATER) this.from.pause();
    if (this.timer === undefined) this.pump();
  }

  private arrival(data: Buffer | null, link: EffectiveLink): number {
    const delivery = deliverChunk(this.state, link, this.host.clock.now(), data?.length ?? 0, this.host.random);
    this.state = delivery.state;
    return delivery.arrivesAt;
  }

  /** Delivers every chunk that has arrived, then sets one timer for the next. */
  private pump(): void {
    this.host.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.host.clock.now();
    while (this.queue.length > 0 && !this.waitingForDrain) {
      const head = this.queue[0]!;
      if (head.arrivesAt === undefined) return; // held: healed() times it
      if (head.arrivesAt > now) {
        this.timer = this.host.clock.setTimeout(() => this.pump(), head.arrivesAt - now);
        return;
      }
      this.queue.shift();
      if (head.data === null) {
        this.to.end();
        continue;
      }
      this.queuedBytes -= head.data.length;
      this.write(head.data);
    }
    this.resumeIfRoom();
  }

  private write(data: Buffer): void {
    if (this.to.destroyed) return;
    this.host.delivered(data.length);
    if (!this.to.write(data)) {
      this.waitingForDrain = true;
      this.from.pause();
    }
  }

  private resumeIfRoom(): void {
    if (!this.waitingForDrain && this.queuedBytes <= LOW_WATER && this.from.isPaused() && !this.from.destroyed) this.from.resume();
  }
}
