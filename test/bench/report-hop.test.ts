/**
 * The report's hop section and notes, from samples alone (no run): forwarded and redirected against
 * direct with the API TLS off and on side by side, targets judged on TLS off only, and notes written
 * into results.json kept when the report is rewritten.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rewriteReport } from '../../bench/rewrite-report.ts';
import { summaries } from '../../bench/summary.ts';
import type { Sample } from '../../bench/throughput.ts';

/** One µs-client sample: at c1 its p50 and p99 are what the deltas are made of; at c10 its rate is what the ratios are. */
function sample(apiTls: 'off' | 'on' | undefined, name: string, connections: number, reqPerSec: number, p50 = 0, p99 = 0): Sample {
  return {
    storage: 'memory',
    ...(apiTls ? { apiTls } : {}),
    case: name,
    connections,
    rep: 0,
    reqPerSec,
    latency: { unit: 'µs', p50, p99 },
    errors: 0,
    cpuUsPerReq: 100,
  };
}

/** The hop's cases in one mode: direct 1000 req/s at c10 and p50 200 µs at c1; forwarded and redirected as given. */
const hopSamples = (tls: 'off' | 'on' | undefined, fwd: number, redir: number, fwdP50: number) => [
  sample(tls, 'read-zipf', 1, 1, 200, 400),
  sample(tls, 'read-zipf', 10, 1000),
  sample(tls, 'read-zipf-micro', 10, 1000),
  sample(tls, 'read-forwarded', 1, 1, fwdP50, 500),
  sample(tls, 'read-forwarded', 10, fwd),
  sample(tls, 'read-redirected', 1, 1, 300, 700),
  sample(tls, 'read-redirected', 10, redir),
];

describe('the hop, API TLS off and on', () => {
  it('puts each measure of both modes side by side, with the target judged on TLS off only', () => {
    const { hop, ratios } = summaries([...hopSamples(undefined, 900, 700, 240), ...hopSamples('on', 600, 500, 330)], [], 1000);
    const row = (measure: string) => hop.find((h) => h.measure === measure)!;
    expect(row('forwarded / direct read (c10)')).toMatchObject({
      storage: 'memory',
      off: { median: 0.9, target: '≥ 0.85', pass: true },
      on: { median: 0.6, target: undefined, pass: undefined },
    });
    expect(row('redirected / direct read (c10, same client)')).toMatchObject({ off: { median: 0.7, pass: false }, on: { median: 0.5 } });
    expect(row('forwarded − direct read p50 µs (c1)')).toMatchObject({ off: { median: 40, pass: true }, on: { median: 130 } });
    expect(row('forwarded − direct read p99 µs (c1)')).toMatchObject({ off: { median: 100 }, on: { median: 100 } });
    // What TLS itself costs, each pair from the same repetition.
    const named = (n: string) => ratios.find((x) => x.name === n)?.median;
    expect(named('memory: forwarded read, API TLS on / off (c10)')).toBeCloseTo(600 / 900);
    expect(named('memory: forwarded read p50, API TLS on − off µs (c1)')).toBe(90);
  });

  it("writes the side-by-side table and the set's notes into results.md, and keeps the notes on a rewrite", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vaultlab-report-'));
    try {
      const samples = [...hopSamples('off', 900, 700, 240), ...hopSamples('on', 600, 500, 330)];
      const notes = ['The machine was shared with two test suites.'];
      const set = {
        machine: {},
        settings: { lockTtlMs: 1000 },
        cases: [],
        ratios: [],
        failover: [],
        profiles: [],
        samples,
        failoverSamples: [],
        notes,
      };
      await writeFile(join(dir, 'results.json'), JSON.stringify(set));
      rewriteReport(dir);
      const md = await readFile(join(dir, 'results.md'), 'utf8');
      expect(md).toContain('| storage | measure | API TLS off | API TLS on | target (TLS off) | result |');
      expect(md).toContain('| memory | forwarded / direct read (c10) | 0.90 [0.90–0.90] | 0.60 [0.60–0.60] | ≥ 0.85 | pass |');
      expect(md).toContain('| memory, API TLS | read-forwarded | 10 |');
      expect(md).toMatch(/## Notes\n\nThe machine was shared with two test suites\.\n/);
      expect(JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')).notes).toEqual(notes);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a run that measured TLS off only without TLS-on figures', () => {
    const { hop } = summaries(hopSamples(undefined, 900, 700, 240), [], 1000);
    expect(hop.every((h) => h.on === undefined && h.off !== undefined)).toBe(true);
  });
});
