/** T3: every shipped scenario in real time: real timers, HTTP listeners, the level backend on disk. Downtime is reported, not asserted. */
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.ts';
import { runDrill } from '../../src/drill/drill-runner.ts';
import { specOf } from '../../src/drill/scenario.ts';

describe('shipped scenarios in real time over HTTP on level storage', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, s) => {
    const r = await runDrill(specOf(s, 1), { realTime: true });
    if (s.expectViolation) expect(r.violation?.check).toBe('C2');
    else expect(r.violation, r.violation?.message).toBeUndefined();
    expect(r.lostWrites).toBe(s.expectViolation ? r.lostWrites : 0);
    expect(r.ops.ok).toBeGreaterThan(100);
    process.stdout.write(`${s.name} (real time): downtime ${r.downtimeMs} ms, ${r.ops.ok} ok, ${r.ops.failed} failed\n`);
  }, 60_000);
});
