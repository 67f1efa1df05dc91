/** The scaling bench's pure parts: spreads, splitting connections, adding side-by-side jobs up, its flags, its Markdown spreads, comparing drill outcomes. */
import { describe, expect, it } from 'vitest';
import { outcomeDifferences, stableHistory, type DrillOutcome } from '../../bench/scaling/drill-outcome.ts';
import { spreadText } from '../../bench/markdown.ts';
import { parseScalingArgs } from '../../bench/scaling/scaling-options.ts';
import { combineJobs, splitConnections, spreadOf } from '../../bench/scaling/scaling-stats.ts';

describe('spreadOf', () => {
  it('gives the median (the mean of the middle two for an even count), min and max, whatever the order', () => {
    expect(spreadOf([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5 });
    expect(spreadOf([4, 1, 3, 10])).toEqual({ median: 3.5, min: 1, max: 10 });
    expect(spreadOf([7])).toEqual({ median: 7, min: 7, max: 7 });
  });

  it('refuses an empty list', () => {
    expect(() => spreadOf([])).toThrow('no values');
  });
});

describe('splitConnections', () => {
  it('splits as evenly as it goes, the remainder to the first jobs, always the whole total', () => {
    expect(splitConnections(10, 2)).toEqual([5, 5]);
    expect(splitConnections(10, 4)).toEqual([3, 3, 2, 2]);
    expect(splitConnections(10, 6)).toEqual([2, 2, 2, 2, 1, 1]);
  });

  it('refuses fewer connections than jobs, or no job', () => {
    expect(() => splitConnections(3, 4)).toThrow('cannot split 3 connections over 4 jobs');
    expect(() => splitConnections(10, 0)).toThrow('cannot split');
  });
});

describe('combineJobs', () => {
  it('adds rates, requests and errors; weights p50 by requests; takes the largest p99; shares the CPU over every request', () => {
    const c = combineJobs(
      [
        { requests: 300, reqPerSec: 150, errors: 0, p50Us: 100, p99Us: 900 },
        { requests: 100, reqPerSec: 50, errors: 2, p50Us: 300, p99Us: 500 },
      ],
      20_000,
    );
    expect(c).toEqual({ requests: 400, reqPerSec: 200, errors: 2, p50Us: 150, p99Us: 900, cpuUsPerReq: 50 });
  });

  it('refuses jobs that completed nothing, rather than dividing by zero', () => {
    expect(() => combineJobs([{ requests: 0, reqPerSec: 0, errors: 0, p50Us: 0, p99Us: 0 }], 10)).toThrow('no request');
  });
});

describe('parseScalingArgs', () => {
  it('runs the full set by default and a small one with --quick, writing where --out says', () => {
    const full = parseScalingArgs([], '/default');
    expect(full).toMatchObject({ quick: false, out: '/default', nodeCounts: [3, 5, 7], upRuns: 5 });
    expect(full.drillBatches.reduce((n, b) => n + b.count, 0)).toBe(1000);
    expect(parseScalingArgs(['--quick', '--out=/x'], '/default')).toMatchObject({
      quick: true,
      out: '/x',
      nodeCounts: [3, 5],
      durationSec: 0.3,
    });
  });

  it('refuses unknown flags and an empty --out', () => {
    expect(() => parseScalingArgs(['--nodes=9'], '/d')).toThrow('unknown argument "--nodes=9"');
    expect(() => parseScalingArgs(['--out='], '/d')).toThrow('unknown argument "--out="');
  });
});

describe('spreadText', () => {
  it('prints median (min–max), or the value alone when every repeat agrees', () => {
    expect(spreadText({ median: 2.345, min: 2, max: 3.1 }, (x) => x.toFixed(2))).toBe('2.35 (2.00–3.10)');
    expect(spreadText({ median: 1234.4, min: 1234.4, max: 1234.4 })).toBe('1234');
  });
});

describe('drill outcomes', () => {
  const outcome = (seed: number, ok: number): DrillOutcome => ({
    seed,
    verdict: 'pass',
    ok,
    failed: 0,
    unknown: 0,
    lostWrites: 0,
    fencedWrites: 0,
    events: 10,
    historyDigest: 'abc',
  });

  it('names every seed whose outcome changed or is missing on one side', () => {
    expect(outcomeDifferences([outcome(1, 5), outcome(2, 6)], [outcome(1, 5), outcome(2, 6)])).toEqual([]);
    const diff = outcomeDifferences([outcome(1, 5), outcome(2, 6)], [outcome(2, 7), outcome(3, 1)]);
    expect(diff).toEqual([
      expect.stringMatching(/^seed 1: missing after$/),
      expect.stringMatching(/^seed 2: .*"ok":6.* → .*"ok":7/),
      'seed 3: missing before',
    ]);
  });

  it("masks only the random ids in a history: mount UUIDs and the lock holder's suffix", () => {
    const line = '{"key":"logical/d26f2baf-6485-4200-adb3-151e1e3a4085/metadata/k2","holder":"core/leader/node3-6507b400.0","v":"c1-2"}';
    expect(stableHistory(line)).toBe('{"key":"logical/<uuid>/metadata/k2","holder":"core/leader/node3-<holder>.0","v":"c1-2"}');
  });
});
