/**
 * Downtime as clients see it: a frozen active that still claims the lock serves nothing, so
 * the time its clients went unanswered is downtime, although a node was "active" throughout.
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.ts';
import { clientDowntimeMs, outageWindows, SLOW_ANSWER_MS } from '../../src/drill/client-downtime.ts';
import { runDrill } from '../../src/drill/drill-runner.ts';
import type { HistoryEvent } from '../../src/drill/history.ts';
import { compileScenario } from '../../src/drill/scenario.ts';

const put = (op: number, t: number, node = 'node1'): HistoryEvent => ({
  t,
  kind: 'invoke',
  op,
  client: op % 2,
  node,
  term: 1,
  type: 'put',
  key: 'k0',
  value: `v${op}`,
});

describe('client-side downtime', () => {
  it('runs from a request that got no answer to the next successful answer to a later request', () => {
    const events: HistoryEvent[] = [
      put(1, 0),
      { t: 40, kind: 'ok', op: 1 }, // answered in time: no downtime
      put(2, 100),
      put(3, 150),
      { t: 150, kind: 'fail', op: 3, status: 'STANDBY' },
      put(4, 200),
      { t: 600, kind: 'info', op: 2, status: 'timeout' },
      { t: 700, kind: 'ok', op: 4 },
    ];
    expect(outageWindows(events, 0, 1000)).toEqual([{ from: 100, to: 700 }]);
    expect(clientDowntimeMs(events, 0, 1000)).toBe(600);
    expect(clientDowntimeMs(events, 300, 1000)).toBe(400); // clipped to the window asked for
  });

  it('counts a request that hung past the slow-answer limit before it succeeded, and not answers already in flight', () => {
    const events: HistoryEvent[] = [
      put(1, 900),
      put(2, 1000), // sent to a frozen node: answered 2.4 s later
      { t: 1050, kind: 'ok', op: 1 }, // in flight before: says nothing about new requests
      { t: 3400, kind: 'ok', op: 2 },
      put(3, 3450),
      { t: 3460, kind: 'ok', op: 3 },
    ];
    expect(outageWindows(events, 0, 5000)).toEqual([{ from: 1000, to: 3400 }]);
    const timely: HistoryEvent[] = [put(1, 0), { t: SLOW_ANSWER_MS, kind: 'ok', op: 1 }];
    expect(clientDowntimeMs(timely, 0, 5000)).toBe(0);
  });

  it('lasts to the end of the load when no answer ever comes', () => {
    const events: HistoryEvent[] = [put(1, 100), { t: 600, kind: 'info', op: 1, status: 'timeout' }];
    expect(clientDowntimeMs(events, 0, 2000)).toBe(1900);
  });

  it('counts a frozen active as down: zombie-leader goes without answers while node1 is paused, where the lock saw no gap', async () => {
    const scenario = SCENARIOS.find((s) => s.name === 'zombie-leader')!;
    const r = await runDrill(compileScenario(scenario, 1).spec);
    const ev = r.history.events;
    const paused = ev.find((e) => e.kind === 'fault' && e.name === 'pause' && e.on)!;
    const expired = ev.find((e) => e.kind === 'lock' && e.event === 'expired')!;
    // node1 still held the active state through its pause: by the lock's measure there was no gap at all.
    expect(r.noActiveMs).toBe(0);
    // Clients got answers for requests in flight a little after the pause, then none until node2 served.
    const windows = outageWindows(ev, r.startTime, r.startTime + r.spec.durationMs);
    expect(windows.some((w) => w.from <= paused.t + 300 && w.to >= expired.t)).toBe(true);
    expect(r.downtimeMs).toBeGreaterThan(expired.t - paused.t - 300);
  });
});
