/**
 * A process lab's event stream, fed by its nodes' event logs: a page opened late gets the logs'
 * past once, in hello, in time order with what the lab did; lines appended while it watches come
 * as timeline events in an in-process lab's words, lock messages (renewals too, with the lease's
 * expiry) and fenced messages; status tells the lease left from the holder's last renewal; and
 * nothing is read while nobody watches.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB_TIMINGS } from '../../src/ha/index.ts';
import { LabEventHub, type LabStatus, type ProcessLab, type StreamMessage } from '../../src/lab/index.ts';
import { processEvents } from '../../src/lab/processes/process-events.ts';
import { Timeline } from '../../src/lab/timeline.ts';

const dir = mkdtempSync(join(tmpdir(), 'vaultlab-process-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EVENTUALLY = { timeout: 10_000, interval: 20 };
const jsonl = (...lines: object[]) => lines.map((l) => `${JSON.stringify(l)}\n`).join('');

/** What the source reads of a process lab: its nodes' logs, its timeline, its status with node1 holding the lock at term 7. */
function fakeLab(): { lab: ProcessLab; logs: string[]; statusReads: () => number } {
  const logs = ['node1', 'node2'].map((n) => join(dir, `${n}-${Math.random().toString(36).slice(2)}.events.jsonl`));
  let reads = 0;
  const status: LabStatus = {
    nodes: [],
    lock: { held: true, holder: 'node1', holder_address: null, term: 7, lease_remaining_ms: null, ttl_ms: 1000, renew_interval_ms: 333 },
    trouble: { storageWarnings: [], campaigns: [] },
  };
  const lab = {
    nodes: logs.map((eventLog) => ({ o: { eventLog } })),
    timeline: new Timeline(),
    timings: LAB_TIMINGS,
    storage: { fences: () => true },
    status: async () => (reads++, structuredClone(status)),
  } as unknown as ProcessLab;
  return { lab, logs, statusReads: () => reads };
}

describe('a process lab as an event source', () => {
  it("gives a late page the logs' past once, in time order with what the lab did, then each new line as it is appended", async () => {
    const { lab, logs } = fakeLab();
    const now = Date.now();
    writeFileSync(logs[0], jsonl({ t: now - 300, kind: 'state', node: 'node1', from: 'sealed', to: 'standby' }));
    writeFileSync(logs[1], jsonl({ t: now - 100, kind: 'state', node: 'node2', from: 'sealed', to: 'standby' }));
    lab.timeline.add({ time: now - 200, node: 'node3', type: 'fault', detail: 'kill' });
    const hub = new LabEventHub(processEvents(lab), { everyMs: 60_000 });
    const got: StreamMessage[] = [];
    const unsubscribe = await hub.subscribe((m) => got.push(m));
    try {
      const hello = got[0].event === 'hello' ? got[0].data : undefined;
      expect(hello?.timeline.map((e) => `${e.node} ${e.type} ${e.detail}`)).toEqual([
        'node1 state sealed → standby',
        'node3 fault kill',
        'node2 state sealed → standby',
      ]);
      expect(hello).toMatchObject({ fencing: true, topology: null, timings: { lock_ttl_ms: LAB_TIMINGS.lockTtlMs } });

      const t = Date.now();
      appendFileSync(
        logs[0],
        jsonl(
          { t, kind: 'state', node: 'node1', from: 'standby', to: 'active' },
          { t: t + 1, kind: 'lock', node: 'node1', event: 'acquired', term: 7 },
          { t: t + 2, kind: 'storageWrite', node: 'node1', key: 'core/x', term: 7, revision: 9 },
          { t: t + 3, kind: 'lock', node: 'node1', event: 'renewed', term: 7 },
        ),
      );
      appendFileSync(logs[1], jsonl({ t: t + 4, kind: 'fenced', node: 'node2', key: 'core/y', term: 5, currentTerm: 7 }));
      await expect.poll(() => got.filter((m) => m.event !== 'status').length, EVENTUALLY).toBe(7);
      expect(got.slice(1).filter((m) => m.event !== 'status')).toEqual([
        { event: 'timeline', data: { time: t, node: 'node1', type: 'state', detail: 'standby → active' } },
        { event: 'lock', data: { time: t + 1, event: 'acquired', holder: 'node1', term: 7, expires: t + 1 + LAB_TIMINGS.lockTtlMs } },
        { event: 'timeline', data: { time: t + 1, node: 'node1', type: 'lock-acquired', detail: 'term 7' } },
        { event: 'lock', data: { time: t + 3, event: 'renewed', holder: 'node1', term: 7, expires: t + 3 + LAB_TIMINGS.lockTtlMs } },
        { event: 'fenced', data: { time: t + 4, term: 5, current_term: 7 } },
        { event: 'timeline', data: { time: t + 4, node: 'node2', type: 'fenced', detail: 'write of term 5 refused at term 7' } },
      ]);
      // The lock etcd holds, with the lease its holder's last renewal left.
      const status = await processEvents(lab).status();
      expect(status.lock.lease_remaining_ms).toBe(null);
      await expect
        .poll(async () => got.some((m) => m.event === 'status' && (m.data.lock.lease_remaining_ms ?? -1) >= 0), EVENTUALLY)
        .toBe(true);
    } finally {
      unsubscribe();
    }
  });

  it('reads no log while nobody watches, and picks up where it stopped when someone does again', async () => {
    const { lab, logs } = fakeLab();
    const source = processEvents(lab);
    const hub = new LabEventHub(source, { everyMs: 60_000 });
    const first = await hub.subscribe(() => undefined);
    first();
    const t = Date.now();
    writeFileSync(logs[0], jsonl({ t, kind: 'state', node: 'node1', from: 'sealed', to: 'standby' }));
    await new Promise((r) => setTimeout(r, 300));
    expect(lab.timeline.events).toEqual([]);
    const got: StreamMessage[] = [];
    const again = await hub.subscribe((m) => got.push(m));
    again();
    expect(got[0].event === 'hello' && got[0].data.timeline).toEqual([
      { time: t, node: 'node1', type: 'state', detail: 'sealed → standby' },
    ]);
  });
});
