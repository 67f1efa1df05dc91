/**
 * LabFaults in virtual time: a request that does not fit the fault or the lab is refused
 * with CONTROL_INVALID before anything moves (no timeline entry, no timer), a timed fault
 * ends by itself, and heal or a newer start takes over a fault's pending end.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlError, LabFaults } from '../../src/lab/index.ts';
import { labDigest } from '../helpers/control-http.ts';
import { startRaceLab, type RaceLab } from '../helpers/race-rig.ts';

let lab: RaceLab;
let faults: LabFaults;

beforeEach(async () => {
  lab = await startRaceLab(3, ['node1', 'node2', 'node3']);
  faults = new LabFaults(lab.cluster);
  expect(lab.cluster.active()?.name).toBe('node1');
});
afterEach(() => lab.close());

describe('refused fault requests change nothing', () => {
  const table: Array<[string, string, string, number | undefined]> = [
    ['a NaN duration (what --duration abc became)', 'node2', 'partition-peers', NaN],
    ['a zero duration', 'node2', 'partition-peers', 0],
    ['a negative duration', 'node2', 'pause', -1],
    ['an infinite duration', 'node2', 'partition-storage', Infinity],
    ['a fractional duration', 'node2', 'kill', 1.5],
    ['a duration past the bound', 'storage', 'slow-storage', 3_600_001],
    ['a node fault on storage', 'storage', 'partition-peers', undefined],
    ['a pause of storage', 'storage', 'pause', undefined],
    ['a storage fault on a node', 'node1', 'slow-storage', undefined],
    ['an unknown node', 'node9', 'kill', undefined],
    ['no node', '', 'seal', undefined],
    ['an unknown fault', 'node2', 'bogus', undefined],
    ['a duration on seal', 'node3', 'seal', 500],
    ['a duration on delete-lock', 'storage', 'delete-lock', 500],
    ['step-down of a standby', 'node2', 'step-down', undefined],
    ['restart of a node that is up', 'node1', 'restart', undefined],
  ];

  it.each(table)('%s', async (_name, node, kind, durationMs) => {
    const before = labDigest(lab.cluster);
    const timers = lab.clock.pending;
    const err = await faults.start(node, kind, durationMs).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(labDigest(lab.cluster)).toBe(before);
    expect(lab.clock.pending).toBe(timers);
    expect(err).toBeInstanceOf(ControlError);
    expect((err as ControlError).code).toBe('CONTROL_INVALID');
  });

  it('a second pause of a paused node (its first pause would never end)', async () => {
    await faults.start('node2', 'pause');
    const paused = labDigest(lab.cluster);
    await expect(faults.start('node2', 'pause', 100)).rejects.toMatchObject({ code: 'CONTROL_INVALID' });
    expect(labDigest(lab.cluster)).toBe(paused);
    faults.heal();
    expect(lab.cluster.get('node2').node.paused).toBe(false);
  });
});

describe('timed faults', () => {
  it('end by themselves after their duration', async () => {
    await faults.start('node2', 'partition-peers', 500);
    await lab.clock.advance(499);
    expect(lab.cluster.get('node2').forwarder.blocked).toBe(true);
    await lab.clock.advance(1);
    expect(lab.cluster.get('node2').forwarder.blocked).toBe(false);
  });

  it("a heal cancels the pending end, so a later pause is not cut short by an earlier one's timer", async () => {
    await faults.start('node2', 'pause', 60_000);
    faults.heal();
    await faults.start('node2', 'pause');
    await lab.clock.advance(60_000);
    expect(lab.cluster.get('node2').node.paused).toBe(true);
    faults.heal();
  });

  it('a newer start of the same fault replaces its pending end', async () => {
    await faults.start('node3', 'partition-storage', 500);
    await faults.start('node3', 'partition-storage');
    await lab.clock.advance(1000);
    expect(lab.cluster.get('node3').storage.partitioned).toBe(true);
  });

  it('step-down takes "active" or the active node\'s name', async () => {
    await faults.start('node1', 'step-down');
    expect(lab.cluster.get('node1').node.state).toBe('standby');
  });
});
