/**
 * The link model as pure functions: a chunk arrives no sooner than its latency minus its
 * jitter allows and no later than plus, never before the chunk sent ahead of it, after its
 * serialisation time on a capped link; a seed replays the same arrivals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterHandshake,
  deliverChunk,
  effectiveLink,
  IDLE_DIRECTION,
  travelTime,
  type DirectionState,
  type EffectiveLink,
  type RandomSource,
} from '../../src/net/index.ts';
import { seeded } from '../../src/drill/rng.ts';

interface Chunk {
  gap: number;
  bytes: number;
}

/** Sends the chunks one after another (each `gap` ms after the last) and returns their send and arrival times. */
function run(link: EffectiveLink, chunks: Chunk[], random: RandomSource): Array<{ sentAt: number; arrivesAt: number; bytes: number }> {
  let state: DirectionState = IDLE_DIRECTION;
  let now = 1000;
  return chunks.map(({ gap, bytes }) => {
    now += gap;
    const d = deliverChunk(state, link, now, bytes, random);
    state = d.state;
    return { sentAt: now, arrivesAt: d.arrivesAt, bytes };
  });
}

const linkArb = fc.record({
  latencyMs: fc.double({ min: 0, max: 100, noNaN: true }),
  jitterMs: fc.double({ min: 0, max: 50, noNaN: true }),
  bandwidth: fc.option(fc.integer({ min: 1000, max: 10_000_000 }), { nil: undefined }),
});
const chunksArb = fc.array(fc.record({ gap: fc.double({ min: 0, max: 20, noNaN: true }), bytes: fc.integer({ min: 0, max: 65536 }) }), {
  minLength: 1,
  maxLength: 50,
});
const asLink = (l: { latencyMs: number; jitterMs: number; bandwidth?: number }) =>
  effectiveLink({ latencyMs: l.latencyMs, jitterMs: l.jitterMs }, { bandwidthBytesPerSec: l.bandwidth });

describe('the link model', () => {
  it('never reorders a direction: arrivals never go backwards', () =>
    fc.assert(
      fc.property(linkArb, chunksArb, fc.integer(), (l, chunks, seed) => {
        const arrivals = run(asLink(l), chunks, seeded(seed)).map((c) => c.arrivesAt);
        for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]).toBeGreaterThanOrEqual(arrivals[i - 1]!);
      }),
    ));

  it('on an uncapped link a chunk arrives within latency ± jitter of its sending, or with the chunk ahead of it', () =>
    fc.assert(
      fc.property(linkArb, chunksArb, fc.integer(), (l, chunks, seed) => {
        const link = asLink({ ...l, bandwidth: undefined });
        let previous = -Infinity;
        for (const c of run(link, chunks, seeded(seed))) {
          const delay = c.arrivesAt - c.sentAt;
          expect(delay).toBeGreaterThanOrEqual(Math.max(0, l.latencyMs - l.jitterMs) - 1e-9);
          if (c.arrivesAt > previous) expect(delay).toBeLessThanOrEqual(l.latencyMs + l.jitterMs + 1e-9);
          previous = c.arrivesAt;
        }
      }),
    ));

  it('a capped link delivers no faster than its bandwidth: the last byte waits for every byte before it', () =>
    fc.assert(
      fc.property(linkArb, chunksArb, fc.integer(), (l, chunks, seed) => {
        const bandwidth = l.bandwidth ?? 1_000_000;
        const sent = run(asLink({ ...l, bandwidth }), chunks, seeded(seed));
        const bytes = sent.reduce((n, c) => n + c.bytes, 0);
        expect(sent.at(-1)!.arrivesAt - sent[0]!.sentAt).toBeGreaterThanOrEqual((bytes / bandwidth) * 1000 - 1e-6);
      }),
    ));

  it('without jitter or a cap, every chunk takes exactly the latency', () =>
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), chunksArb, (latencyMs, chunks) => {
        for (const c of run(asLink({ latencyMs, jitterMs: 0 }), chunks, Math.random))
          expect(c.arrivesAt - c.sentAt).toBeCloseTo(latencyMs, 9);
      }),
    ));

  it('one seed replays the same arrivals; another draws differently', () => {
    const link = asLink({ latencyMs: 10, jitterMs: 5 });
    const chunks = Array.from({ length: 20 }, (_, i) => ({ gap: 50, bytes: 100 + i }));
    expect(run(link, chunks, seeded(7))).toEqual(run(link, chunks, seeded(7)));
    expect(run(link, chunks, seeded(7))).not.toEqual(run(link, chunks, seeded(8)));
  });

  it('queues chunks behind each other on a capped link: 1 MB at 4 MB/s finishes 250 ms after it starts', () => {
    const sent = run(
      asLink({ latencyMs: 0, jitterMs: 0, bandwidth: 4_000_000 }),
      Array.from({ length: 16 }, () => ({ gap: 0, bytes: 62_500 })),
      Math.random,
    );
    expect(sent.at(-1)!.arrivesAt - sent[0]!.sentAt).toBeCloseTo(250, 9);
    expect(sent[0]!.arrivesAt - sent[0]!.sentAt).toBeCloseTo(62_500 / 4000, 9);
  });

  it('draws one random number per chunk whatever the jitter, and clamps a delay at 0', () => {
    let draws = 0;
    const counting: RandomSource = () => (draws++, 0);
    expect(travelTime({ latencyMs: 1, jitterMs: 5 }, counting)).toBe(0);
    expect(travelTime({ latencyMs: 1, jitterMs: 0 }, counting)).toBe(1);
    expect(draws).toBe(2);
  });

  it("a new connection's first byte leaves after the handshake's round trip", () => {
    const link = asLink({ latencyMs: 20, jitterMs: 0 });
    const opened = afterHandshake(link, 1000, Math.random);
    expect(opened.wireFreeAt).toBe(1040);
    expect(deliverChunk(opened, link, 1000, 1, Math.random).arrivesAt).toBe(1060);
  });
});
