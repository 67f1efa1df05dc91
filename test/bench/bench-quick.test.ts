/** `vaultlab bench --quick` runs end to end and writes well-formed results with every case and ratio (no timing asserted). */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appliesTo, CASES, clientOf } from '../../bench/cases.ts';
import { runCli } from '../helpers/run-cli.ts';

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

describe('vaultlab bench --quick', () => {
  it('produces JSON with every case at 1 and 10 connections, every ratio and every failover kind', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vaultlab-bench-'));
    try {
      const r = await runCli(['bench', '--quick', `--out=${out}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/\[\d+\/\d+\] memory baseline c1/);
      expect(r.stdout).toMatch(/forwarded \/ direct read/);
      const json = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
      for (const c of CASES.filter((x) => appliesTo(x, 'memory')))
        for (const conns of [1, 10]) {
          const row = json.cases.find((x: any) => x.case === c.name && x.connections === conns);
          expect(row, `${c.name} c${conns}`).toBeDefined();
          expect(row.reqPerSec.median).toBeGreaterThan(0);
          expect(row.errors).toBe(0);
        }
      const names = json.ratios.map((x: any) => x.name);
      for (const want of [
        'KV read / baseline',
        'KV write / baseline',
        'forwarded / direct read',
        'redirected / direct read',
        'noble / node:crypto read',
        'cached / uncached KV read',
      ]) {
        expect(
          names.some((n: string) => n.includes(want)),
          want,
        ).toBe(true);
      }
      for (const x of json.ratios) expect(Number.isFinite(x.median), x.name).toBe(true);
      const md = await readFile(join(out, 'results.md'), 'utf8');
      for (const c of CASES.filter((x) => appliesTo(x, 'memory')))
        for (const conns of [1, 10]) expectLatencyInItsUnit(c.name, conns, json, r.stdout, r.stderr, md);
      expect(json.failover.map((x: any) => x.kind)).toEqual(['step-down', 'seal', 'kill']);
      expect(json.profiles.map((x: any) => `${x.profile} ${x.kind}`)).toEqual(
        ['consul', 'vault', 'lab'].flatMap((p) => ['kill', 'seal', 'step-down'].map((k) => `${p} ${k}`)),
      );
      for (const x of json.profiles) expect(Number.isFinite(x.medianMs), `${x.profile} ${x.kind}`).toBe(true);
      expect(await readFile(join(out, 'ratios.svg'), 'utf8')).toMatch(/^<svg/);
      expect(await readFile(join(out, 'results.md'), 'utf8')).toContain('| ratio | median |');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);
});
