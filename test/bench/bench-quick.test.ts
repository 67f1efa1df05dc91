/**
 * `vaultlab bench --quick` runs end to end and writes well-formed results with every case and ratio
 * (no timing asserted): each case at its own connection counts, the read cache's hit rate where the
 * server has one, the load average of each phase, on the port range asked for.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appliesTo, CASES, clientOf, type BenchCase } from '../../bench/cases.ts';
import { runCli } from '../helpers/run-cli.ts';
import { randomBenchPortBase } from '../helpers/random-port-base.ts';

/**
 * autocannon's figures (whole ms) are reported in ms with their resolution in every output, and
 * only the µs client's in µs: results.json, the console table, the progress lines, results.md.
 */
function expectLatencyInItsUnit(name: string, conns: number, json: any, stdout: string, stderr: string, md: string): void {
  const what = `${name} c${conns}`;
  const row = json.cases.find((x: any) => x.case === name && x.connections === conns);
  const line = stdout.split('\n').find((l) => l.startsWith(`memory ${what} `)) ?? '';
  const progress = stderr.split('\n').find((l) => l.includes(`] memory ${what} rep 1:`)) ?? '';
  const mdRow = md.split('\n').find((l) => l.startsWith(`| memory | ${name} | ${conns} |`)) ?? '';
  if (clientOf(name, conns) === 'autocannon') {
    expect(row.latency, what).toMatchObject({ unit: 'ms', resolution_ms: 1 });
    expect(line, what).toMatch(/p50 +(< 1|\d+(\.\d)?) ms +p99 +(< 1|\d+(\.\d)?) ms +\(autocannon, 1 ms resolution\)$/);
    expect(progress, what).toMatch(/p50 (< 1|\d+) ms,/);
    expect(mdRow.split('|').slice(5, 8).join('|'), what).toMatch(/^ \S.* ms \| .* ms \| autocannon, 1 ms resolution $/);
    for (const text of [line, progress.replace(/µs CPU\/req/, ''), mdRow.split('|').slice(5, 8).join('|')])
      expect(text, what).not.toContain('µs');
  } else {
    expect(row.latency.unit, what).toBe('µs');
    expect(line, what).toMatch(/p50 +\d+ µs +p99 +\d+ µs$/);
  }
}

/** Every (case, connections) a memory-only run measures. */
const memoryCases = (): Array<[BenchCase, number]> =>
  CASES.filter((x) => appliesTo(x, 'memory')).flatMap((c) => c.connections.map((n): [BenchCase, number] => [c, n]));

describe('vaultlab bench --quick', () => {
  it('produces JSON with every case at its connection counts, every ratio, the hit rates and every failover kind', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vaultlab-bench-'));
    const portBase = randomBenchPortBase();
    try {
      const r = await runCli(['bench', '--quick', `--port-base=${portBase}`, `--out=${out}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/\[\d+\/\d+\] memory baseline c1/);
      expect(r.stdout).toMatch(/forwarded \/ direct read/);
      const json = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
      expect(json.settings.portBase).toBe(portBase);
      for (const [c, conns] of memoryCases()) {
        const row = json.cases.find((x: any) => x.case === c.name && x.connections === conns);
        expect(row, `${c.name} c${conns}`).toBeDefined();
        expect(row.reqPerSec.median).toBeGreaterThan(0);
        expect(row.errors, `${c.name} c${conns}`).toBe(0);
        // The server counted its read cache's lookups: a rate in [0, 1] where it has a cache, none where it has not.
        if (c.server === 'uncached' || c.server === 'noble') expect(row.cacheHitRate, c.name).toBeUndefined();
        else if (c.name !== 'baseline') expect(row.cacheHitRate.median, c.name).toBeGreaterThanOrEqual(0);
      }
      // Uniform reads over twice what the cache holds cannot all hit.
      expect(json.cases.find((x: any) => x.case === 'read-uniform').cacheHitRate.median).toBeLessThan(1);
      const names = json.ratios.map((x: any) => x.name);
      for (const want of [
        'memory: KV read uniform / baseline (c10)',
        'memory: KV read Zipf / baseline (c10)',
        'memory: KV write, 1,000 keys / baseline (c10)',
        'memory: forwarded / direct read (c10)',
        'memory: redirected / direct read (c10, same client)',
        'memory: noble / node:crypto read, both uncached (c10)',
        'memory: cached / uncached KV read, uniform (c10)',
      ])
        expect(names, want).toContain(want);
      for (const x of json.ratios) expect(Number.isFinite(x.median), x.name).toBe(true);
      expect(json.load.map((x: any) => x.phase)).toEqual(['before the run', 'throughput rep 1', 'failover', 'timing profiles']);
      for (const x of json.load) expect(x.end).toHaveLength(3);
      const md = await readFile(join(out, 'results.md'), 'utf8');
      for (const [c, conns] of memoryCases()) expectLatencyInItsUnit(c.name, conns, json, r.stdout, r.stderr, md);
      expect(md).toContain('## Load average');
      expect(md).toMatch(/`read-uniform`: KV read, 100 B, uniform over 10,000 secrets/);
      expect(json.failover.map((x: any) => x.kind)).toEqual(['step-down', 'seal', 'kill']);
      expect(json.profiles.map((x: any) => `${x.profile} ${x.kind}`)).toEqual(
        ['consul', 'vault', 'lab'].flatMap((p) => ['kill', 'seal', 'step-down'].map((k) => `${p} ${k}`)),
      );
      for (const x of json.profiles) expect(Number.isFinite(x.medianMs), `${x.profile} ${x.kind}`).toBe(true);
      expect(await readFile(join(out, 'ratios.svg'), 'utf8')).toMatch(/^<svg/);
      expect(md).toContain('| ratio | median |');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 240_000);

  it('with --api-tls=off,on measures the hop in both modes and reports them side by side', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vaultlab-bench-tls-'));
    const portBase = randomBenchPortBase();
    const hopCases = ['read-zipf', 'read-zipf-micro', 'read-forwarded', 'read-redirected'];
    try {
      const args = ['bench', '--quick', `--port-base=${portBase}`, `--out=${out}`, `--cases=${hopCases.join(',')}`, '--api-tls=off,on'];
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/starting the memory node server with API TLS/);
      const json = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
      expect(json.settings.apiTls).toEqual(['off', 'on']);
      for (const name of hopCases)
        for (const conns of CASES.find((c) => c.name === name)!.connections)
          for (const tls of ['off', 'on']) {
            const row = json.cases.find((x: any) => x.case === name && x.connections === conns && x.apiTls === tls);
            expect(row, `${name} c${conns} TLS ${tls}`).toBeDefined();
            expect(row.reqPerSec.median, `${name} c${conns} TLS ${tls}`).toBeGreaterThan(0);
            expect(row.errors, `${name} c${conns} TLS ${tls}`).toBe(0);
          }
      // Over TLS the µs client reached the standby and, following its 307, the active over https, on pooled
      // connections: no more per origin than the job's connections (a connection per request would be thousands).
      for (const s of json.samples.filter((x: any) => x.apiTls === 'on' && x.case === 'read-redirected')) {
        const origins = Object.keys(s.connectionsOpened);
        expect(origins, `c${s.connections}`).toHaveLength(2);
        for (const o of origins) expect(o).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/?$/);
        for (const n of Object.values(s.connectionsOpened)) expect(n).toBeLessThanOrEqual(s.connections);
      }
      expect(json.hop.map((h: any) => h.measure)).toContain('forwarded − direct read p50 µs (c1)');
      for (const h of json.hop) {
        expect(Number.isFinite(h.off.median), `${h.measure} TLS off`).toBe(true);
        expect(Number.isFinite(h.on.median), `${h.measure} TLS on`).toBe(true);
        // The targets are judged with TLS off; the TLS-on figures are reported without one.
        expect(h.on.target, h.measure).toBeUndefined();
      }
      const md = await readFile(join(out, 'results.md'), 'utf8');
      expect(md).toContain('## The hop: forwarded and redirected against direct, API TLS off and on');
      expect(md).toMatch(
        /^\| memory \| forwarded − direct read p50 µs \(c1\) \| -?\d+\.\d\d \[.*\] \| -?\d+\.\d\d \[.*\] \| ≤ \+50 µs \| (pass|miss) \|$/m,
      );
      expect(md).toMatch(/^\| memory, API TLS \| read-forwarded \| 1 \|/m);
      expect(r.stdout).toMatch(/memory TLS read-forwarded c1 /);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 240_000);
});
