/**
 * Verdicts that explain themselves: a violation the scenario sets out to show is the lesson
 * and says so; one nobody expected is still a violation; and "exactly one active" next to
 * two nodes claiming active says why it holds.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.ts';
import { summary } from '../../src/drill/drill-report.ts';
import { runDrill } from '../../src/drill/drill-runner.ts';
import { runScenario } from '../../src/drill/drills.ts';
import { compileScenario } from '../../src/drill/scenario.ts';

describe('an expected violation', () => {
  it('is the lesson, in the summary, its expectation line and the report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vaultlab-verdict-'));
    try {
      const r = await runScenario('zombie-leader-unfenced', { seed: 1, reportDir: dir });
      expect(r.passed).toBe(true);
      expect(r.summary).toMatch(
        /^zombie-leader-unfenced \(seed 1\): EXPECTED: split brain found \(C2\) — this is the lesson: storage accepted/,
      );
      expect(r.summary).not.toContain('VIOLATION');
      expect(r.expectations[0]).toMatchObject({ ok: true, text: 'the checker finds split brain (C2)' });
      const md = await readFile(join(dir, 'drill.md'), 'utf8');
      expect(md).toMatch(/^\*\*EXPECTED: split brain found \(C2\) — this is the lesson\*\* · storage accepted a write to secret\/k0/m);
      expect(md).not.toMatch(/PASS|C2 violated/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stays a violation when nothing expected it', async () => {
    const unfenced = SCENARIOS.find((s) => s.name === 'zombie-leader-unfenced')!;
    const r = await runDrill(compileScenario(unfenced, 1).spec);
    expect(summary('unfenced', r)).toMatch(/^unfenced \(seed 1\): VIOLATION C2: split brain: storage accepted a write to secret\/k0/);
  });
});

describe('exactly one active', () => {
  it('says why it holds while the paused old active still claims the role', async () => {
    const r = await runScenario('zombie-leader', { seed: 1 });
    const probe = r.expectations.find((x) => x.text.startsWith('exactly one active'))!;
    expect(probe).toMatchObject({ ok: true, text: 'exactly one active at 3.00 s' });
    expect(probe.detail).toBe('node1 active (paused), node2 active, node3 standby');
    expect(probe.why).toBe('node1 was paused: a paused node serves nothing, so one active served at a time');
  });

  it('needs no reason when only one node claims it', async () => {
    const r = await runScenario('kill-active', { seed: 1 });
    const probe = r.expectations.find((x) => x.text.startsWith('exactly one active'))!;
    expect(probe.ok).toBe(true);
    expect(probe.why).toBeUndefined();
  });
});
