/**
 * When a chunk sent over a link arrives: the one model the real-time TCP proxy and the
 * virtual-time drill transport both use, so one topology gives both worlds the same delays.
 *
 * A chunk of n bytes handed to the link at time t first waits for the wire (the chunks before
 * it in the same direction are still being serialised), then takes n / bandwidth to put on the
 * wire, then travels latency ± jitter. Like TCP, a connection never reorders its bytes: a chunk
 * whose jitter draw would land it before the previous one arrives with it instead.
 *
 * Pure: no timers, no clock; the caller passes the time and keeps the returned state.
 */
import type { EffectiveLink } from './link-settings.ts';

/** What one direction of one connection remembers between chunks (times in ms, any origin). */
export interface DirectionState {
  /** When the wire is free again: the previous chunk's last byte has been serialised. */
  wireFreeAt: number;
  /** When the previous chunk arrived at the far end. */
  lastArrivalAt: number;
}

/** A direction that has sent nothing yet. */
export const IDLE_DIRECTION: DirectionState = { wireFreeAt: -Infinity, lastArrivalAt: -Infinity };

/** A chunk's fate: when it arrives, and the direction's state after it. */
export interface ChunkDelivery {
  arrivesAt: number;
  state: DirectionState;
}

/** A uniform draw in [0, 1): Math.random in real time, a seeded source where runs must replay. */
export type RandomSource = () => number;

/**
 * The one-way delay of one chunk: latency plus a uniform draw in [−jitter, +jitter], never
 * below 0. One draw per chunk whatever the jitter, so a seed replays alike when jitter changes.
 */
export function travelTime(link: Pick<EffectiveLink, 'latencyMs' | 'jitterMs'>, random: RandomSource): number {
  const spread = (random() * 2 - 1) * link.jitterMs;
  return Math.max(0, link.latencyMs + spread);
}

/** ms to put `bytes` on a wire of the link's bandwidth (0 when uncapped). */
export function serialisationTime(bytes: number, bandwidthBytesPerSec: number): number {
  return Number.isFinite(bandwidthBytesPerSec) ? (bytes / bandwidthBytesPerSec) * 1000 : 0;
}

/** When a chunk of `bytes` handed to the link at `sentAt` arrives, given the direction's state. */
export function deliverChunk(
  state: DirectionState,
  link: EffectiveLink,
  sentAt: number,
  bytes: number,
  random: RandomSource,
): ChunkDelivery {
  const onWireAt = Math.max(sentAt, state.wireFreeAt);
  const wireFreeAt = onWireAt + serialisationTime(bytes, link.bandwidthBytesPerSec);
  const arrivesAt = Math.max(wireFreeAt + travelTime(link, random), state.lastArrivalAt);
  return { arrivesAt, state: { wireFreeAt, lastArrivalAt: arrivesAt } };
}

/** Whether the link adds nothing at all: the proxy can then pass bytes straight through. */
export function isTransparent(link: EffectiveLink): boolean {
  return link.latencyMs === 0 && link.jitterMs === 0 && !Number.isFinite(link.bandwidthBytesPerSec) && !link.partition && !link.reset;
}

/**
 * A new connection's first state, client to server: TCP's handshake (SYN out, SYN-ACK back)
 * costs one round trip before the client's first byte can leave, so the wire opens then.
 */
export function afterHandshake(link: EffectiveLink, openedAt: number, random: RandomSource): DirectionState {
  return { wireFreeAt: openedAt + travelTime(link, random) + travelTime(link, random), lastArrivalAt: -Infinity };
}
