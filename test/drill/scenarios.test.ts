/**
 * Every shipped scenario in virtual time meets its expectations; a seed replays the same
 * history; a report holds a history that re-checks offline to the same verdict; and the
 * long fault-free runs of T2 never change leader.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.ts';
import { checkHistory, type FinalState } from '../../src/drill/checker.ts';
import { listScenarios, runScenario, UnknownScenarioError } from '../../src/drill/drills.ts';
import { runDrill, type DrillResult } from '../../src/drill/drill-runner.ts';
import { newTerms } from '../../src/drill/expectations.ts';
import type { HistoryEvent } from '../../src/drill/history.ts';
import { LAB_TIMINGS, VAULT_TIMINGS } from '../../src/ha/index.ts';

describe('shipped scenarios in virtual time', () => {
  it('lists the shipped scenarios', async () => {
    expect((await listScenarios()).map((s) => s.name)).toEqual([
      'kill-active',
      'seal-active',
      'step-down-under-load',
      'partition-active-from-storage',
      'zombie-leader',
      'zombie-leader-unfenced',
      'slow-storage',
      'flapping-storage-errors',
      'rolling-restart',
      'lock-key-deleted',
      'zone-loss',
      'stale-redirect',
      'lb-failover',
      'redirect-loop',
      'lb-stale-standby',
      'etcd-leader-loss',
      'etcd-quorum-loss',
      'zombie-leader-sigstop',
    ]);
    await expect(runScenario('nope')).rejects.toBeInstanceOf(UnknownScenarioError);
  });

  // The etcd scenarios play on node processes only: test/drill/process-drills.test.ts.
  it.each(SCENARIOS.filter((s) => !s.processes).map((s) => [s.name] as const))('%s meets every expectation', async (name) => {
    const r = await runScenario(name, { seed: 1 });
    expect(
      r.expectations.filter((e) => !e.ok),
      r.summary,
    ).toEqual([]);
    expect(r.expectations.every((e) => !e.reportedOnly)).toBe(true); // virtual time asserts timing too
    expect(r.result.ops.ok).toBeGreaterThan(100);
    process.stdout.write(
      `${name}: downtime ${r.result.downtimeMs} ms (virtual), ${r.result.ops.failed} failed and ${r.result.ops.unknown} unknown requests, ${newTerms(r.result)} new term(s)\n`,
    );
  });
});

/** A history with what is random outside the seed (mount uuids, lock holder ids) blanked. */
const shape = (r: DrillResult) =>
  r.history.events.map((e) =>
    JSON.stringify(e)
      .replace(/logical\/[0-9a-f-]{36}\//g, 'logical/M/')
      .replace(/(node\d+)-[0-9a-f]{8}/g, '$1'),
  );

/** The final state as drill.json spells it, back into the checker's shape. */
type FinalJson = Record<string, { current: string | null; versions: Record<string, string | null> }>;
const finalOf = (j: FinalJson): FinalState =>
  new Map(
    Object.entries(j).map(([k, f]) => [
      k,
      { current: f.current, versions: new Map(Object.entries(f.versions).map(([v, x]) => [Number(v), x])) },
    ]),
  );

describe('replay and reports', () => {
  it('replays the same history from the same seed', async () => {
    const a = await runScenario('kill-active', { seed: 42 });
    const b = await runScenario('kill-active', { seed: 42 });
    expect(shape(b.result)).toEqual(shape(a.result));
    const c = await runScenario('kill-active', { seed: 43 });
    expect(shape(c.result)).not.toEqual(shape(a.result));
  });

  it('writes a report whose history re-checks offline to the same verdict', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vaultlab-drill-'));
    try {
      const r = await runScenario('zombie-leader-unfenced', { seed: 3, reportDir: dir });
      const svg = await readFile(join(dir, 'timeline.svg'), 'utf8');
      for (const mark of ['node1', 'node2', 'node3', '>lock<', '>storage<', '>clients<', '▼ pause', '▼ slow-storage', 't2 ', '>C2<'])
        expect(svg).toContain(mark);
      const md = await readFile(join(dir, 'drill.md'), 'utf8');
      expect(md).toContain('**EXPECTED: split brain found (C2) — this is the lesson**');
      expect(md).toContain('![timeline](timeline.svg)');
      expect(md).toMatch(/acknowledged writes lost: \*\*[1-9]/);
      const json = JSON.parse(await readFile(join(dir, 'drill.json'), 'utf8'));
      expect(json).toMatchObject({ name: 'zombie-leader-unfenced', passed: true, violation: { check: 'C2' } });
      const events = (await readFile(join(dir, 'history.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as HistoryEvent);
      expect(events).toHaveLength(r.result.history.events.length);
      const final = finalOf(json.final);
      expect(final).toEqual(r.result.final);
      expect(checkHistory(events, final, { lockTtlMs: 1000, stepDownBackoffMs: 2000, endTime: r.result.endTime })?.check).toBe('C2');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('T2: no leader change without a fault', () => {
  it.each([
    ['Vault timings (TTL 15 s), 10,000 s', VAULT_TIMINGS, 10_000_000],
    ['lab timings (TTL 1 s), 1,000 s', LAB_TIMINGS, 1_000_000],
  ] as const)('%s', async (_name, timings, durationMs) => {
    const r = await runDrill(
      { seed: 7, nodes: 3, clients: 1, keys: 1, durationMs, thinkMs: [5_000, 20_000], faults: [], fencing: true },
      { timings },
    );
    expect(r.violation).toBeUndefined();
    expect(newTerms(r)).toBe(0);
    expect(r.history.events.filter((e) => e.kind === 'lock' && e.event === 'renewed').length).toBeGreaterThan(
      durationMs / timings.lockTtlMs,
    );
  });
});
