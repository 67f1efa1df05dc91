/** The cluster channel's framing: frames survive any split of the byte stream, bodies travel in parts, and bad lengths are refused. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeHead,
  encodeFrame,
  END,
  FrameError,
  FrameKind,
  FrameReader,
  MAX_BODY_PART,
  MAX_FRAME,
  PING_PAYLOAD,
  messageFrames,
} from '../../src/net/cluster-frames.ts';

describe('the frame reader', () => {
  it('gives back the frames sent, however the bytes are cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ stream: fc.nat(), payload: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1 }),
        (sent, cuts) => {
          const bytes = Buffer.concat(sent.map((f) => encodeFrame(f.stream, FrameKind.Data, END, Buffer.from(f.payload))));
          const reader = new FrameReader();
          const got = [];
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const n = cuts[i % cuts.length]!;
            got.push(...reader.push(bytes.subarray(at, at + n)));
            at += n;
          }
          expect(got.map((f) => ({ stream: f.stream, payload: new Uint8Array(f.payload) }))).toEqual(
            sent.map((f) => ({ stream: f.stream, payload: new Uint8Array(f.payload) })),
          );
        },
      ),
    );
  });

  it('refuses a frame longer than the limit before buffering it', () => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(MAX_FRAME + 1);
    expect(() => new FrameReader().push(head)).toThrow(FrameError);
  });
});

describe('a message in frames', () => {
  it('carries its head and the first part in one frame, the rest in parts, the last flagged END', () => {
    const body = Buffer.alloc(2 * MAX_BODY_PART + 10, 7);
    const frames = new FrameReader().push(Buffer.concat(messageFrames(9, FrameKind.RequestHead, { m: 'PUT' }, body)));
    expect(frames.map((f) => [f.stream, f.kind, f.flags, f.payload.length])).toEqual([
      [9, FrameKind.RequestHead, 0, 4 + '{"m":"PUT"}'.length + MAX_BODY_PART],
      [9, FrameKind.Data, 0, MAX_BODY_PART],
      [9, FrameKind.Data, END, 10],
    ]);
    const { head, body: first } = decodeHead<{ m: string }>(frames[0]!.payload);
    expect(head).toEqual({ m: 'PUT' });
    expect(Buffer.concat([first, frames[1]!.payload, frames[2]!.payload]).equals(body)).toBe(true);
  });

  it('is one frame when the body is small or empty', () => {
    const frames = new FrameReader().push(Buffer.concat(messageFrames(1, FrameKind.ResponseHead, { s: 204 })));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.flags & END).toBe(END);
  });
});

describe('keepalive frames', () => {
  it('a Ping and its Pong round-trip on stream 0 with their 8 opaque bytes', () => {
    const payload = Buffer.from([0, 1, 2, 3, 252, 253, 254, 255]);
    expect(payload.length).toBe(PING_PAYLOAD);
    const bytes = Buffer.concat([encodeFrame(0, FrameKind.Ping, END, payload), encodeFrame(0, FrameKind.Pong, END, payload)]);
    const frames = new FrameReader().push(bytes);
    expect(frames.map((f) => [f.stream, f.kind, f.flags, [...f.payload]])).toEqual([
      [0, FrameKind.Ping, END, [...payload]],
      [0, FrameKind.Pong, END, [...payload]],
    ]);
    expect(new Set(Object.values(FrameKind)).size).toBe(Object.values(FrameKind).length);
  });
});
