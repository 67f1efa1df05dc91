/**
 * Latencies keep the unit of the client that measured them: autocannon's whole milliseconds are
 * printed in ms with their resolution, never relabelled as µs; only the µs client's figures read µs.
 */
import { describe, expect, it } from 'vitest';
import { formatLatency, latencySource, type Latency } from '../../bench/latency.ts';
import { caseLine, markdown } from '../../bench/report.ts';
import { withLatencyUnit, type LegacySample } from '../../bench/rewrite-report.ts';
import { caseTable, latencySpread, ratios } from '../../bench/summary.ts';
import type { Sample } from '../../bench/throughput.ts';

const ms = (p50: number, p99: number): Latency => ({ unit: 'ms', resolution_ms: 1, p50, p99 });
const us = (p50: number, p99: number): Latency => ({ unit: 'µs', p50, p99 });

function sample(name: string, connections: number, latency: Latency, rep = 0): Sample {
  return { storage: 'memory', case: name, connections, rep, reqPerSec: 1000, latency, errors: 0, cpuUsPerReq: 10 };
}

describe('latency formatting', () => {
  it('prints µs figures in µs and autocannon figures in ms, a truncated 0 as under one step', () => {
    expect(formatLatency(142.3, { unit: 'µs' })).toBe('142 µs');
    expect(formatLatency(2, { unit: 'ms', resolution_ms: 1 })).toBe('2 ms');
    expect(formatLatency(0, { unit: 'ms', resolution_ms: 1 })).toBe('< 1 ms');
    expect(formatLatency(1.5, { unit: 'ms', resolution_ms: 1 })).toBe('1.5 ms');
    expect(latencySource({ unit: 'ms', resolution_ms: 1 })).toBe('autocannon, 1 ms resolution');
    expect(latencySource({ unit: 'µs' })).toBe('µs client');
  });

  it('the console line of an autocannon case reads ms with its resolution and no µs', () => {
    const [row] = caseTable([sample('read-direct', 10, ms(0, 2))]);
    const line = caseLine(row);
    expect(line).toMatch(/p50 +< 1 ms +p99 +2 ms +\(autocannon, 1 ms resolution\)$/);
    expect(line).not.toContain('µs');
  });

  it('the console line of a µs-client case reads µs', () => {
    const [row] = caseTable([sample('read-direct', 1, us(142.3, 382.4))]);
    expect(caseLine(row)).toMatch(/p50 +142 µs +p99 +382 µs$/);
  });

  it('the Markdown table gives each row its unit and its client, and no µs column header over ms figures', () => {
    const cases = caseTable([sample('baseline', 1, us(120, 356)), sample('baseline', 10, ms(1, 2))]);
    const md = markdown({ machine: {}, settings: {}, cases, ratios: [], failover: [], profiles: [] });
    expect(md).toContain('| memory | baseline | 1 | 1000 [1000–1000] | 120 µs | 356 µs | µs client |');
    expect(md).toContain('| memory | baseline | 10 | 1000 [1000–1000] | 1 ms | 2 ms | autocannon, 1 ms resolution |');
    expect(md).not.toMatch(/p50 µs|p99 µs/);
  });
});

describe('latency summaries', () => {
  it('keeps the unit over repetitions and refuses to mix units in one case', () => {
    expect(latencySpread([ms(0, 2), ms(1, 3), ms(1, 2)])).toEqual({
      unit: 'ms',
      resolution_ms: 1,
      p50: { median: 1, min: 0, max: 1 },
      p99: { median: 2, min: 2, max: 3 },
    });
    expect(() => latencySpread([ms(1, 2), us(900, 2000)])).toThrow(/µs|ms/);
  });

  it('takes latency deltas only from µs figures, never from whole milliseconds', () => {
    const fromUs = ratios([sample('read-forwarded', 1, us(300, 900)), sample('read-zipf', 1, us(200, 500))]);
    expect(fromUs.find((r) => r.name === 'memory: forwarded − direct read p50 µs (c1)')?.median).toBe(100);
    const fromMs = ratios([sample('read-forwarded', 1, ms(1, 3)), sample('read-zipf', 1, ms(0, 1))]);
    expect(fromMs.find((r) => r.name === 'memory: forwarded − direct read p50 µs (c1)')?.median).toBeNaN();
  });
});

describe('result sets written before latencies carried their unit', () => {
  const legacy = (name: string, connections: number, p50Us: number, p99Us: number): LegacySample => {
    const { latency: _, ...rest } = sample(name, connections, us(0, 0));
    return { ...rest, p50Us, p99Us };
  };

  it('gives autocannon figures back in ms and keeps the µs client figures in µs', () => {
    expect(withLatencyUnit(legacy('read-direct', 10, 0, 2000)).latency).toEqual(ms(0, 2));
    expect(withLatencyUnit(legacy('read-redirected', 10, 565, 2966)).latency).toEqual(us(565, 2966));
    expect(withLatencyUnit(legacy('read-direct-micro', 10, 343, 2260)).latency).toEqual(us(343, 2260));
    expect(withLatencyUnit(legacy('baseline', 1, 120, 356)).latency).toEqual(us(120, 356));
  });
});
