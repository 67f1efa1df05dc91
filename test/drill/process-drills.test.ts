/**
 * Scenarios on node processes and a real etcd (`vaultlab drill NAME --processes`): each etcd
 * scenario, and every shipped one whose faults a process lab can inject, passes the same history checker as every drill (C1 and C2 on
 * etcd's own order, C4 no acknowledged write lost, C5 reads linearizable), in real time.
 * A scenario that faults etcd refuses to play in one process, and one whose faults need one
 * process refuses to play on many, each before anything starts.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, ScenarioModeError, type ScenarioReport } from '../../src/drill/index.ts';

function passes(r: ScenarioReport): void {
  expect(r.result.violation, r.summary).toBeUndefined();
  expect(
    r.expectations.filter((e) => !e.ok),
    r.summary,
  ).toEqual([]);
  expect(r.result.lostWrites).toBe(0);
  expect(r.result.ops.ok).toBeGreaterThan(20);
  process.stdout.write(`${r.summary}\n`);
}

describe('drills on node processes and etcd', () => {
  it.each([
    'etcd-leader-loss',
    'etcd-quorum-loss',
    'zombie-leader-sigstop',
    'kill-active',
    'seal-active',
    'step-down-under-load',
    'lock-key-deleted',
    'partition-active-from-storage',
    'rolling-restart',
  ])(
    '%s passes the checker',
    async (name) => {
      const r = await runScenario(name, { seed: 1, processes: true });
      passes(r);
      expect(r.result.realTime).toBe(true);
      expect('activeOverlapMs' in r.result).toBe(true);
      // The history holds what the node processes logged: their lock acquisitions and accepted writes.
      const events = r.result.history.events;
      expect(events.some((e) => e.kind === 'lock' && e.event === 'acquired')).toBe(true);
      expect(events.some((e) => e.kind === 'storageWrite' && e.key.startsWith('logical/'))).toBe(true);
    },
    180_000,
  );

  it('the quorum-loss drill acknowledges no write while etcd has no quorum', async () => {
    const r = await runScenario('etcd-quorum-loss', { seed: 2, processes: true });
    passes(r);
    const ev = r.result.history.events;
    const lost = ev.find((e) => e.kind === 'fault' && e.name === 'etcd-quorum' && e.on)!;
    const back = ev.find((e) => e.kind === 'fault' && e.name === 'etcd-quorum' && !e.on)!;
    // An acknowledgement is a put's `ok` completion; none may come from a request sent while the quorum was gone.
    const sentDuring = new Set(
      ev.filter((e) => e.kind === 'invoke' && e.type === 'put' && e.t > lost.t + 1500 && e.t < back.t).map((e) => (e as { op: number }).op),
    );
    expect(sentDuring.size).toBeGreaterThan(0);
    expect(ev.filter((e) => e.kind === 'ok' && sentDuring.has(e.op))).toEqual([]);
  }, 180_000);

  it('refuses an etcd scenario in one process, and a one-process fault on processes, before anything starts', async () => {
    await expect(runScenario('etcd-quorum-loss')).rejects.toBeInstanceOf(ScenarioModeError);
    await expect(runScenario('etcd-quorum-loss')).rejects.toThrow(
      'etcd-quorum-loss faults etcd itself: it plays on node processes only (add --processes)',
    );
    await expect(runScenario('slow-storage', { processes: true })).rejects.toThrow(
      'slow-storage cannot play on node processes: slow-storage cannot be injected into node processes',
    );
    await expect(runScenario('zombie-leader-unfenced', { processes: true })).rejects.toThrow(/only a drill in one process can do/);
  });
});
