/** Every shipped scenario in virtual time; the fencing-off mutant is caught 20 times out of 20, the fenced drill never. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.ts';
import { writeDrillReport } from '../../src/drill/drill-report.ts';
import { runDrill } from '../../src/drill/drill-runner.ts';
import { specOf } from '../../src/drill/scenario.ts';

describe('shipped scenarios', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s behaves as it says', async (_name, s) => {
    const r = await runDrill(specOf(s, 1));
    if (s.expectViolation) expect(r.violation?.check).toBe('C2');
    else expect(r.violation).toBeUndefined();
    expect(r.ops.ok).toBeGreaterThan(100);
    process.stdout.write(`${s.name}: downtime ${r.downtimeMs} ms virtual, ${r.ops.failed} failed requests\n`);
  });

  it('replays identically from the same seed', async () => {
    const s = SCENARIOS.find((x) => x.name === 'kill-active')!;
    const a = await runDrill(specOf(s, 42));
    const b = await runDrill(specOf(s, 42));
    const shape = (r: typeof a) => r.history.events.map((e) => `${e.kind}:${'node' in e ? e.node : ''}:${'key' in e ? e.key.replace(/logical\/[^/]+/, 'L') : ''}`);
    expect(shape(a)).toEqual(shape(b));
    expect(a.downtimeMs).toBe(b.downtimeMs);
  });

  it('writes a report with an SVG timeline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vaultlab-drill-'));
    try {
      const s = SCENARIOS.find((x) => x.name === 'zombie-leader-unfenced')!;
      writeDrillReport(dir, s.name, await runDrill(specOf(s, 3)), s.description);
      expect(await readFile(join(dir, 'timeline.svg'), 'utf8')).toMatch(/^<svg[\s\S]*node1[\s\S]*pause/);
      const md = await readFile(join(dir, 'drill.md'), 'utf8');
      expect(md).toContain('**C2 violated**');
      expect(JSON.parse(await readFile(join(dir, 'drill.json'), 'utf8')).history.length).toBeGreaterThan(100);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the fencing mutant (T1-M)', () => {
  const zombie = SCENARIOS.find((x) => x.name === 'zombie-leader')!;
  it('is flagged as a split brain in 20 of 20 seeds with fencing off, and never with fencing on', async () => {
    let flagged = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const off = await runDrill({ ...specOf(zombie, seed), fencing: false });
      if (off.violation?.check === 'C2') flagged++;
      const on = await runDrill(specOf(zombie, seed));
      expect(on.violation, `seed ${seed}`).toBeUndefined();
    }
    expect(flagged).toBe(20);
  }, 300_000);
});
