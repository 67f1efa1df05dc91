/**
 * The fault words `vaultlab fault link` takes are read in one place: each good word sets its
 * fault, each bad one is refused with a message naming the word and what is allowed.
 */
import { describe, expect, it } from 'vitest';
import { effectiveLink, LinkFaultError, parseBandwidth, parseLinkFaults } from '../../src/net/index.ts';

describe('link fault words', () => {
  it.each([
    [['latency=50ms'], { addedLatencyMs: 50 }],
    [['latency=1.5ms', 'jitter=500us'], { addedLatencyMs: 1.5, addedJitterMs: 0.5 }],
    [['partition'], { partition: true }],
    [['reset'], { reset: true }],
    [['bandwidth=1mbit'], { bandwidthBytesPerSec: 125_000 }],
    [['bandwidth=125kB/s'], { bandwidthBytesPerSec: 125_000 }],
    [['bandwidth=4MB/s', 'latency=1s'], { bandwidthBytesPerSec: 4_000_000, addedLatencyMs: 1000 }],
  ])('%j → %j', (words, faults) => expect(parseLinkFaults(words)).toEqual(faults));

  it.each([
    [[], 'name a link fault: latency=<duration>, jitter=<duration>, bandwidth=<rate>, partition or reset'],
    [['latency=50'], 'link fault "latency=50": latency must be a duration like "50ms" or "1.5ms"'],
    [['latency=-5ms'], 'link fault "latency=-5ms": latency must be a duration like "50ms" or "1.5ms"'],
    [['jitter=lots'], 'link fault "jitter=lots": jitter must be a duration like "50ms" or "1.5ms"'],
    [['bandwidth=fast'], 'link fault "bandwidth=fast": bandwidth must be a positive rate like "1mbit", "100kbit/s", "125kB/s" or "4MB/s"'],
    [
      ['bandwidth=0mbit'],
      'link fault "bandwidth=0mbit": bandwidth must be a positive rate like "1mbit", "100kbit/s", "125kB/s" or "4MB/s"',
    ],
    [['blackhole'], 'unknown link fault "blackhole": use latency=<duration>, jitter=<duration>, bandwidth=<rate>, partition or reset'],
    [['loss=5%'], 'unknown link fault "loss=5%": use latency=<duration>, jitter=<duration>, bandwidth=<rate>, partition or reset'],
    [['latency=1ms', 'latency=2ms'], 'link fault "latency=2ms": latency is given twice'],
  ])('%j is refused: %s', (words, message) => {
    expect(() => parseLinkFaults(words)).toThrow(LinkFaultError);
    expect(() => parseLinkFaults(words)).toThrow(message);
  });
});

describe('rates', () => {
  it.each([
    ['8bit', 1],
    ['1kbit/s', 125],
    ['1Mbit', 125_000],
    ['1gbit', 125_000_000],
    ['1B/s', 1],
    ['2KiB/s', 2048],
    ['1MiB', 1024 * 1024],
    ['1.5GB/s', 1.5e9],
  ])('%s is %d bytes/s', (text, bytes) => expect(parseBandwidth(text)).toBe(bytes));

  it.each(['1mb', '1m', '12', 'kB/s', '-1kB/s', '1 kB/s'])('%s is not a rate (b is a bit: a byte rate needs B)', (text) =>
    expect(parseBandwidth(text)).toBeUndefined(),
  );
});

describe('the effective link', () => {
  it('adds the faults to the settings and caps nothing by default', () => {
    expect(effectiveLink({ latencyMs: 2, jitterMs: 1 })).toEqual({
      latencyMs: 2,
      jitterMs: 1,
      bandwidthBytesPerSec: Infinity,
      partition: false,
      reset: false,
    });
    expect(
      effectiveLink({ latencyMs: 2, jitterMs: 1 }, parseLinkFaults(['latency=50ms', 'jitter=5ms', 'bandwidth=1mbit', 'partition'])),
    ).toEqual({
      latencyMs: 52,
      jitterMs: 6,
      bandwidthBytesPerSec: 125_000,
      partition: true,
      reset: false,
    });
  });
});
