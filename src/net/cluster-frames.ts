/**
 * The cluster channel's wire format: length-prefixed frames multiplexed by stream id on one
 * connection, as gRPC multiplexes calls on one HTTP/2 connection but without a second HTTP
 * parse. A frame is
 *
 *   [u32 length of what follows][u32 stream id][u8 kind][u8 flags][payload]
 *
 * A request or response starts with a HEAD frame (a small JSON head, then the first part of
 * the body) and may continue in DATA frames; the frame flagged END closes it. A body travels
 * in parts of at most MAX_BODY_PART bytes, so one large body never holds the connection for
 * long and the sender can wait for the socket to drain between parts. PING and PONG (stream 0)
 * let a standby tell a silent active from a busy one (cluster-keepalive.ts).
 */

/** What a frame carries. */
export const FrameKind = {
  /** A request's head (method, url, headers) and its first body part. */
  RequestHead: 1,
  /** A response's head (status, headers) and its first body part. */
  ResponseHead: 2,
  /** A further body part of the stream's request or response. */
  Data: 3,
  /** The stream failed on the far side; payload: the reason (UTF-8). */
  Error: 4,
  /** A standby's heartbeat to the active (stream 0); payload: the echo (JSON). */
  Echo: 5,
  /** A standby asks whether the active still hears it (stream 0); payload: PING_PAYLOAD opaque bytes. */
  Ping: 6,
  /** The answer to a Ping (stream 0); payload: the Ping's bytes, echoed back. */
  Pong: 7,
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** The frame ends its stream's request or response. */
export const END = 1;

/** The length of a Ping's opaque payload (as HTTP/2's PING, whose 8 bytes gRPC's keepalive sends). */
export const PING_PAYLOAD = 8;

/** The largest body part in one frame. */
export const MAX_BODY_PART = 64 * 1024;

/** The largest frame a peer may send: a body part plus a generous head (headers are bounded by the listener anyway). */
export const MAX_FRAME = MAX_BODY_PART + 256 * 1024;

const PREFIX = 4;
const HEADER = PREFIX + 4 + 1 + 1;

/** One decoded frame. */
export interface Frame {
  stream: number;
  kind: FrameKind;
  flags: number;
  payload: Buffer;
}

/** Encodes one frame. */
export function encodeFrame(stream: number, kind: FrameKind, flags: number, payload: Buffer = EMPTY): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32BE(HEADER - PREFIX + payload.length, 0);
  out.writeUInt32BE(stream, 4);
  out[8] = kind;
  out[9] = flags;
  payload.copy(out, HEADER);
  return out;
}

const EMPTY = Buffer.alloc(0);

/** A HEAD frame's payload: [u32 head length][head JSON][first body part]. */
export function encodeHead(head: unknown, body: Buffer = EMPTY): Buffer {
  const json = Buffer.from(JSON.stringify(head));
  const out = Buffer.allocUnsafe(4 + json.length + body.length);
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  body.copy(out, 4 + json.length);
  return out;
}

/** Splits a HEAD frame's payload into its head (parsed) and its first body part. */
export function decodeHead<T>(payload: Buffer): { head: T; body: Buffer } {
  if (payload.length < 4) throw new FrameError('head frame too short');
  const n = payload.readUInt32BE(0);
  if (4 + n > payload.length) throw new FrameError('head longer than its frame');
  return { head: JSON.parse(payload.toString('utf8', 4, 4 + n)) as T, body: payload.subarray(4 + n) };
}

/** A peer broke the framing: the connection cannot be trusted any further and is closed. */
export class FrameError extends Error {}

/** Cuts a byte stream into frames, however the bytes arrive. */
export class FrameReader {
  private pending: Buffer = EMPTY;

  /** Feeds bytes; returns every frame now complete. Throws FrameError on a frame over MAX_FRAME. */
  push(chunk: Buffer): Frame[] {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    while (buf.length >= PREFIX) {
      const length = buf.readUInt32BE(0);
      if (length < HEADER - PREFIX || length > MAX_FRAME) throw new FrameError(`bad frame length ${length}`);
      if (buf.length < PREFIX + length) break;
      frames.push({
        stream: buf.readUInt32BE(4),
        kind: buf[8] as FrameKind,
        flags: buf[9]!,
        payload: buf.subarray(HEADER, PREFIX + length),
      });
      buf = buf.subarray(PREFIX + length);
    }
    // Keep only the unfinished tail (a copy, so a large chunk is not held alive by a small remainder).
    this.pending = buf.length ? Buffer.from(buf) : EMPTY;
    return frames;
  }
}

/** The frames of one message: its head with the first body part, then DATA frames; the last one flagged END. */
export function messageFrames(stream: number, kind: FrameKind, head: unknown, body: Buffer = EMPTY): Buffer[] {
  const first = body.subarray(0, MAX_BODY_PART);
  const frames = [encodeFrame(stream, kind, body.length <= MAX_BODY_PART ? END : 0, encodeHead(head, first))];
  for (let at = MAX_BODY_PART; at < body.length; at += MAX_BODY_PART) {
    const part = body.subarray(at, at + MAX_BODY_PART);
    frames.push(encodeFrame(stream, FrameKind.Data, at + MAX_BODY_PART >= body.length ? END : 0, part));
  }
  return frames;
}
