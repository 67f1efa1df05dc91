/** T3, part 2: scenarios in real time, and a standby cut off from its peers (forwarding fails, then recovers). */
import { describe, expect, it } from 'vitest';
import { runDrill } from '../../src/drill/drill-runner.ts';
import { operations } from '../../src/drill/history.ts';
import { realTimeScenarios } from './real-time.ts';

describe('shipped scenarios in real time over HTTP on level storage (2)', () => {
  realTimeScenarios([
    'zombie-leader-unfenced',
    'slow-storage',
    'flapping-storage-errors',
    'rolling-restart',
    'lock-key-deleted',
    'stale-redirect',
  ]);

  it('a standby partitioned from its peers cannot forward, and forwards again once healed', async () => {
    const r = await runDrill(
      {
        seed: 1,
        nodes: 3,
        clients: 3,
        keys: 2,
        durationMs: 4000,
        faults: [{ at: 1000, kind: 'partition-peers', target: 'standby', durationMs: 1500 }],
        fencing: true,
      },
      { realTime: true },
    );
    expect(r.violation, r.violation?.message).toBeUndefined();
    const faults = r.history.events.filter((e) => e.kind === 'fault');
    expect(faults.map((e) => (e.kind === 'fault' ? `${e.name} ${e.on}` : ''))).toEqual(['partition-peers true', 'partition-peers false']);
    const [on, off] = faults.map((e) => r.history.events.indexOf(e));
    const cut = faults[0].kind === 'fault' ? faults[0].target : '';
    const toCut = operations(r.history.events).filter((o) => o.invoke.node === cut);
    const during = toCut.filter((o) => o.at > on && o.doneAt! < off);
    const after = toCut.filter((o) => o.at > off);
    // Everything sent to the cut-off standby while cut off fails; after healing its forwards succeed.
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((o) => o.done?.kind === 'ok')).toEqual([]);
    expect(after.filter((o) => o.done?.kind === 'ok').length).toBeGreaterThan(0);
  }, 60_000);
});
