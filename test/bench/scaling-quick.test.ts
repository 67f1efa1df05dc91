/** bench/scaling.ts --quick runs end to end and writes every figure it promises, each a positive finite number (no timing asserted). */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runScaling(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/scaling.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Every number in `value` (nested), by its path. */
function numbers(value: unknown, path = ''): Array<[string, number]> {
  if (typeof value === 'number') return [[path, value]];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  return [];
}

const positive = (x: number) => Number.isFinite(x) && x > 0;

describe('bench/scaling.ts --quick', () => {
  it('measures 3 and 5 nodes, RSS, up time and drill cost, and writes JSON and Markdown', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vaultlab-scaling-'));
    try {
      const r = await runScaling(['--quick', `--out=${out}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^3 nodes rep 1\/1 forwarded via standbys: \d+ req\/s/m);
      const json = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
      expect(json.nodes.map((n: any) => [n.nodes, n.standbys])).toEqual([
        [3, 2],
        [5, 4],
      ]);
      for (const n of json.nodes) {
        for (const c of [n.forwarded, n.direct]) {
          expect(c.errors, `${n.nodes} nodes`).toBe(0);
          for (const [path, x] of numbers({ reqPerSec: c.reqPerSec, p50Us: c.p50Us, p99Us: c.p99Us, cpuUsPerReq: c.cpuUsPerReq }))
            expect(positive(x), `${n.nodes} nodes${path} = ${x}`).toBe(true);
        }
        for (const [path, x] of numbers({ ratio: n.ratio, rss: { ...n.rss, loadErrors: 1 } }))
          expect(positive(x), `${n.nodes} nodes${path} = ${x}`).toBe(true);
      }
      expect(json.up.runs).toBe(1);
      for (const [path, x] of numbers(json.up)) expect(positive(x), `up${path} = ${x}`).toBe(true);
      expect(json.drills).toMatchObject({ drills: 6, failures: 0 });
      for (const [path, x] of numbers(json.drills).filter(([p]) => p !== '.failures'))
        expect(positive(x), `drills${path} = ${x}`).toBe(true);
      expect(json.phases.map((p: any) => p.name)).toEqual(['nodes', 'up', 'drills']);
      const outcomes = JSON.parse(await readFile(join(out, 'drill-outcomes.json'), 'utf8'));
      expect(outcomes.map((o: any) => o.seed)).toEqual([1, 2, 3, 251, 252, 253]);
      const md = await readFile(join(out, 'results.md'), 'utf8');
      expect(md).toMatch(/^\| 3 \(2 standbys\) \| \d+/m);
      expect(md).toMatch(/^\| 5 \| \d+\.\d \| \d+\.\d \| \d+ \|$/m);
      expect(md).toContain('6 random drills');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 600_000);

  it('refuses an unknown flag with exit 2, naming the known ones', async () => {
    const r = await runScaling(['--fast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown argument "--fast" (known: --quick, --out=DIR)');
  }, 60_000);
});
