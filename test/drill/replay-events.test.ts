/**
 * drill.json's replay: the history's cluster events in the lab timeline's words (renewals kept
 * out of the timeline but in the locks, with their leases), client outcomes counted per bucket
 * from the first event, and storage writes and invocations left out.
 */
import { describe, expect, it } from 'vitest';
import { drillReplay, REPLAY_BUCKET_MS } from '../../src/drill/replay-events.ts';
import type { HistoryEvent } from '../../src/drill/history.ts';
import { LAB_TIMINGS } from '../../src/ha/index.ts';

const history: HistoryEvent[] = [
  { t: 1000, kind: 'state', node: 'node1', from: 'sealed', to: 'standby' },
  { t: 1000, kind: 'lock', node: 'node1', event: 'acquired', term: 1 },
  { t: 1010, kind: 'invoke', op: 1, client: 0, node: 'node1', term: 1, type: 'put', key: 'k0', value: 'v1' },
  { t: 1020, kind: 'storageWrite', key: 'logical/x', term: 1, node: 'node1' },
  { t: 1030, kind: 'ok', op: 1, version: 1 },
  { t: 1300, kind: 'lock', node: 'node1', event: 'renewed', term: 1 },
  { t: 1400, kind: 'fault', name: 'kill', target: 'node1', on: true },
  { t: 1450, kind: 'fail', op: 2, status: 503 },
  { t: 1460, kind: 'info', op: 3, error: 'timeout' },
  { t: 2400, kind: 'lock', node: 'node2', event: 'acquired', term: 2 },
  { t: 2500, kind: 'fenced', key: 'logical/x', term: 1, node: 'node1' },
  { t: 3000, kind: 'fault', name: 'kill', target: 'node1', on: false },
];

describe('drillReplay', () => {
  const r = drillReplay(history, { nodes: ['node1', 'node2'], timings: LAB_TIMINGS, loadStart: 1010, endTime: 3500 });

  it('words the cluster events as the live timeline does, and leaves out renewals, writes and client operations', () => {
    expect(r.events).toEqual([
      { time: 1000, node: 'node1', type: 'state', detail: 'sealed → standby' },
      { time: 1000, node: 'node1', type: 'lock-acquired', detail: 'term 1' },
      { time: 1400, node: 'node1', type: 'fault', detail: 'kill' },
      { time: 2400, node: 'node2', type: 'lock-acquired', detail: 'term 2' },
      { time: 2500, node: 'node1', type: 'fenced', detail: 'storage refused a write of term 1' },
      { time: 3000, node: 'node1', type: 'fault', detail: 'kill ends' },
    ]);
  });

  it('keeps every lock change, renewals included, each with the lease it leaves', () => {
    expect(r.locks.map((l) => [l.time, l.event, l.holder, l.term, l.expires - l.time])).toEqual([
      [1000, 'acquired', 'node1', 1, LAB_TIMINGS.lockTtlMs],
      [1300, 'renewed', 'node1', 1, LAB_TIMINGS.lockTtlMs],
      [2400, 'acquired', 'node2', 2, LAB_TIMINGS.lockTtlMs],
    ]);
  });

  it("counts the clients' outcomes per bucket from the first event", () => {
    expect(r.bucket_ms).toBe(REPLAY_BUCKET_MS);
    expect(r.requests).toEqual([
      { time: 1000, ok: 1, failed: 0, unknown: 0 },
      { time: 1400, ok: 0, failed: 1, unknown: 1 },
    ]);
  });

  it('spans from the first event to the end of the drill', () => {
    expect([r.start, r.end, r.load_start, r.nodes]).toEqual([1000, 3500, 1010, ['node1', 'node2']]);
  });
});
