/**
 * `vaultlab bench --matrix --quick` end to end (short cells: no timing asserted): every cell of
 * the quick grid measured without a failed request, beside the model, with results.md and the
 * chart written; and a flag of the KV benchmark refused beside --matrix before anything starts.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MatrixRun } from '../../bench/matrix/matrix-report.ts';
import { runCli } from '../helpers/run-cli.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('vaultlab bench --matrix', () => {
  it('--quick measures the 40 cells of the quick grid, each beside the model, and writes results.md, results.json and matrix.svg', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vaultlab-matrix-'));
    dirs.push(out);
    const r = await runCli(['bench', '--matrix', '--quick', '--duration', '0.3', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as MatrixRun;
    expect(run.cells).toHaveLength(40);
    for (const c of run.cells) {
      const what = `${c.route} c${c.clientRttMs} ${c.tls ? 'tls' : 'plain'} ${c.newConnections ? 'new' : 'pooled'}`;
      expect(c.errors, what).toBe(0);
      expect(c.requests, what).toBeGreaterThan(0);
      expect(Number.isFinite(c.predictedP50Ms), what).toBe(true);
      // Distance only adds: a cell 20 ms from its clients takes at least one round trip of them.
      if (c.clientRttMs === 20) expect(c.p50Ms, what).toBeGreaterThanOrEqual(20);
    }
    // A redirect followed with new connections pays both requests' handshakes: at least 4 client round trips.
    const redirect = run.cells.find((c) => c.route === 'redirect' && c.clientRttMs === 20 && c.newConnections && !c.tls)!;
    expect(redirect.p50Ms).toBeGreaterThanOrEqual(80);
    expect(r.stdout).toMatch(/lab 8\/8: client 20 ms, intra 2 ms RTT, TLS, balancer standby-ok/);
    const md = await readFile(join(out, 'results.md'), 'utf8');
    expect(md).toMatch(
      /^- TLS, a new connection per request, clients 20 ms and nodes 2 ms apart \(RTT\): a redirect costs \+[\d.]+ ms, forwarding \+[\d.]+ ms; forward costs less$/m,
    );
    expect(existsSync(join(out, 'matrix.svg'))).toBe(true);
  }, 300_000);

  it('refuses a flag of the KV benchmark beside --matrix, starting nothing', async () => {
    const r = await runCli(['bench', '--matrix', '--cases', 'read-zipf']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--cases does not go with --matrix (it takes --quick, --duration and --out)');
  });
});
