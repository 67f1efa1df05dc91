/**
 * T14, the races: fast-check's scheduler decides the order of lab actions and of every
 * storage read and write of real in-process nodes (memory storage, virtual time), and
 * each property holds whatever order it picks:
 * 1. unseal shares against SEAL (of the same node and of its peer): the node ends in a
 *    machine state whose barrier and seal-status agree with it, a sealed node holds no lock;
 * 2. STEP_DOWN against LOCK_LOST (deleted lock, partition from storage): never a state
 *    outside the machine, at most one active at every settle point, and exactly one
 *    active within a bound of virtual time after healing (TestGrabLockOrStop's watchdog);
 * 3. a paused active's held write against its renewal and the lock's loss: storage
 *    accepts it under the current term or fences it, never accepts a stale term.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB_TIMINGS } from '../../src/ha/index.ts';
import { LabFaults } from '../../src/lab/lab-faults.ts';
import type { VaultNode } from '../../src/node/index.ts';
import { StorageKeys, type AbstractBackend, type StorageEvent } from '../../src/storage/index.ts';
import { settle } from '../../src/clock/index.ts';
import {
  act,
  drive,
  gateStorage,
  interleaving,
  MACHINE_STATES,
  RaceTally,
  startRaceLab,
  track,
  type RaceLab,
  type Tracked,
} from '../helpers/race-rig.ts';

const RUNS = 100;
/** Virtual time within which a healed cluster must have exactly one active: back-off, two leases, retries. */
const WATCHDOG_MS = 5 * (LAB_TIMINGS.stepDownBackoffMs + 2 * LAB_TIMINGS.lockTtlMs);
const summaries: string[] = [];
afterAll(() => process.stdout.write(summaries.join('')));

/** Gates every node's storage through the scheduler; returns the function that ungates them all. */
function gateAll(s: fc.Scheduler, lab: RaceLab): () => void {
  const undo = lab.cluster.nodes.map((n) => gateStorage(s, n.storage, n.name));
  return () => undo.forEach((u) => u());
}

/** Barrier, machine and seal-status tell the same story about one node at rest. */
function expectConsistent(node: VaultNode): void {
  expect(MACHINE_STATES).toContain(node.state);
  const sealedState = node.state === 'sealed' || node.state === 'uninitialized' || node.state === 'stopped';
  expect(node.barrierSealed, `${node.name} barrier sealed in ${node.state}`).toBe(sealedState);
  const status = node.sealStatus() as { sealed: boolean; progress: number; nonce: string };
  expect(status.sealed, `${node.name} seal-status in ${node.state}`).toBe(sealedState);
  if (!sealedState) expect(status.progress).toBe(0);
  expect(status.progress).toBeLessThan(3);
  expect(status.nonce !== '', `${node.name} nonce with progress ${status.progress}`).toBe(status.progress > 0);
}

/** Unseals whatever is sealed and runs virtual time until exactly one node is active (false: the watchdog fired). */
async function recovers(s: fc.Scheduler, lab: RaceLab): Promise<boolean> {
  lab.cluster.healAll();
  const unseal = track(lab.cluster.unsealAll(lab.init.keys.slice(2, 5)));
  return drive(s, lab.clock, { done: () => unseal.done && lab.cluster.active() !== undefined, maxMs: WATCHDOG_MS });
}

/** Who holds the HA lock in storage now (undefined: nobody). */
async function lockHolder(lab: RaceLab): Promise<string | undefined> {
  const v = await lab.cluster.backend.lock('core/lock', '', { holder: 'observer', ttlMs: 1 }).value();
  return v.held ? v.holder : undefined;
}

describe('T14 races under fast-check scheduling', () => {
  it("unseal shares racing SEAL (its own and its peer's) leave node and barrier in agreement", async () => {
    const tally = new RaceTally();
    const scenario = fc.record({
      given: fc.integer({ min: 0, max: 3 }),
      shares: fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 1, maxLength: 5 }),
      seals: fc.integer({ min: 1, max: 2 }),
      apiSeal: fc.boolean(),
      peerSeal: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), scenario, async (s, sc) => {
        const lab = await startRaceLab(2, ['node2']);
        try {
          const n1 = lab.cluster.get('node1').node;
          const keys = lab.init.keys;
          for (const k of keys.slice(0, sc.given)) await n1.unseal({ key: k });
          await lab.clock.advance(LAB_TIMINGS.leaderCheckMs);
          const ungate = gateAll(s, lab);
          const log: string[] = [];
          const ops: Tracked<unknown>[] = [];
          for (const i of sc.shares)
            ops.push(track(act(s, `share${i}`, () => n1.unseal({ key: keys[i] }).finally(() => log.push('share')))));
          for (let i = 0; i < sc.seals; i++) ops.push(track(act(s, 'seal1', () => (n1.forceSeal(), log.push('seal')))));
          if (sc.apiSeal) ops.push(track(act(s, 'api-seal1', () => (n1.seal(), log.push('seal')))));
          if (sc.peerSeal) ops.push(track(act(s, 'seal2', () => lab.cluster.seal('node2'))));
          const ok = await drive(s, lab.clock, { done: () => ops.every((o) => o.done), maxMs: 0 });
          expect(ok, 'the race itself finished without time passing').toBe(true);
          ungate();
          for (const n of lab.cluster.nodes) expectConsistent(n.node);
          expect(['sealed', 'standby', 'active']).toContain(n1.state);
          // The last word was a seal: sealed, progress back to 0.
          if (log.at(-1) === 'seal') expect(n1.sealStatus()).toMatchObject({ sealed: true, progress: 0 });
          // A sealed node holds no lock (it gave it back, or never kept one it won while sealing).
          if (n1.state === 'sealed') expect(await lockHolder(lab)).not.toBe(lab.cluster.get('node1').leadership.holder);
          const end = `node1 ${n1.state}${n1.state === 'sealed' ? `(${(n1.sealStatus() as { progress: number }).progress})` : ''}, node2 ${lab.cluster.get('node2').node.state}`;
          expect(await recovers(s, lab), 'one active after unsealing everything (watchdog)').toBe(true);
          tally.add(interleaving(s), end);
        } finally {
          await lab.close();
        }
      }),
      { seed: 1414, numRuns: RUNS },
    );
    summaries.push(tally.line('unseal vs SEAL'));
  });

  it('STEP_DOWN racing LOCK_LOST never deadlocks nor makes two actives', async () => {
    const tally = new RaceTally();
    const scenario = fc.record({
      stepDowns: fc.integer({ min: 1, max: 2 }),
      deleteLock: fc.integer({ min: 0, max: 2 }),
      partition: fc.boolean(),
      ticks: fc.integer({ min: 0, max: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), scenario, async (s, sc) => {
        const lab = await startRaceLab(3, ['node1', 'node2', 'node3']);
        try {
          expect(lab.cluster.active()?.name).toBe('node1');
          const faults = new LabFaults(lab.cluster);
          const ungate = gateAll(s, lab);
          const ops: Tracked<unknown>[] = [];
          const stepDown = () => {
            const a = lab.cluster.active();
            if (a) a.node.stepDown(LAB_TIMINGS.stepDownBackoffMs);
          };
          for (let i = 0; i < sc.stepDowns; i++) ops.push(track(act(s, 'step-down', stepDown)));
          for (let i = 0; i < sc.deleteLock; i++) ops.push(track(act(s, 'delete-lock', () => faults.start('storage', 'delete-lock'))));
          if (sc.partition) ops.push(track(act(s, 'partition1', () => lab.cluster.partitionFromStorage('node1', true))));
          for (let i = 0; i < sc.ticks; i++) ops.push(track(act(s, 'tick', () => lab.clock.advance(LAB_TIMINGS.renewIntervalMs / 2))));
          const states = new Set<string>();
          const atSettle = () => {
            for (const n of lab.cluster.nodes) {
              expect(['standby', 'active'], `${n.name} left the unsealed states`).toContain(n.node.state);
              states.add(`${n.name} ${n.node.state}`);
            }
            expect(lab.cluster.nodes.filter((n) => n.node.state === 'active').length, 'actives at a settle point').toBeLessThanOrEqual(1);
          };
          const finished = await drive(s, lab.clock, { done: () => ops.every((o) => o.done), maxMs: WATCHDOG_MS, atSettle });
          expect(finished, 'the race finished (watchdog)').toBe(true);
          const mid = Object.values(lab.cluster.states()).filter((x) => x === 'active').length;
          expect(await recovers(s, lab), 'exactly one active after healing (watchdog)').toBe(true);
          atSettle();
          ungate();
          tally.add(interleaving(s), `${mid} active at race end, then ${lab.cluster.active()!.name}`);
        } finally {
          await lab.close();
        }
      }),
      { seed: 2727, numRuns: RUNS },
    );
    summaries.push(tally.line('STEP_DOWN vs LOCK_LOST'));
  });

  it("a paused active's held write racing its renewal and the lock's loss is accepted under the current term or fenced", async () => {
    const tally = new RaceTally();
    const scenario = fc.record({
      ticks: fc.integer({ min: 0, max: 8 }),
      deleteLock: fc.boolean(),
      partition: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), scenario, async (s, sc) => {
        const lab = await startRaceLab(3, ['node1', 'node2', 'node3']);
        try {
          const zombie = lab.cluster.get('node1').node;
          expect(zombie.state).toBe('active');
          let granted = 0;
          const stale: StorageEvent[] = [];
          let fenced = 0;
          const unwatch = (lab.cluster.backend as AbstractBackend).onEvent((e) => {
            if (e.type === 'lock' && e.event === 'acquired') granted = Math.max(granted, e.term);
            // The lab's delete-lock fault is the one unfenced write (an operator, not a node).
            if (e.type === 'write' && e.key !== 'core/lock' && (e.term === undefined || e.term < granted)) stale.push(e);
            if (e.type === 'fenced') fenced++;
          });
          const resume = lab.cluster.pause('node1');
          const write = track(
            zombie.handle({ operation: 'create', path: 'secret/data/race', data: { data: { from: 'node1' } }, token: lab.init.rootToken }),
          );
          const faults = new LabFaults(lab.cluster);
          const ungate = gateAll(s, lab);
          const ops: Tracked<unknown>[] = [track(act(s, 'resume1', resume)), write];
          for (let i = 0; i < sc.ticks; i++) ops.push(track(act(s, 'tick', () => lab.clock.advance(LAB_TIMINGS.lockTtlMs / 4))));
          if (sc.deleteLock) ops.push(track(act(s, 'delete-lock', () => faults.start('storage', 'delete-lock'))));
          if (sc.partition) ops.push(track(act(s, 'partition1', () => lab.cluster.partitionFromStorage('node1', true))));
          const finished = await drive(s, lab.clock, { done: () => ops.every((o) => o.done), maxMs: WATCHDOG_MS });
          expect(finished, 'the race finished (watchdog)').toBe(true);
          expect(stale, 'writes storage accepted from a stale (or no) term').toEqual([]);
          const code = (write.error as { code?: string } | undefined)?.code;
          if (write.error) expect(['STORAGE_FENCED', 'STORAGE_FAULT', 'STANDBY', 'SEALED']).toContain(code);
          const outcome = write.error ? `refused ${code}` : 'accepted';
          expect(await recovers(s, lab), 'exactly one active after healing (watchdog)').toBe(true);
          ungate();
          unwatch();
          tally.add(interleaving(s), `${outcome}${fenced ? ' (fenced)' : ''}`);
        } finally {
          await lab.close();
        }
      }),
      { seed: 3131, numRuns: RUNS },
    );
    summaries.push(tally.line('held write vs renewal'));
  });
});

describe('regressions found by the races', () => {
  it('a node killed while its barrier opens holds no key once the opening ends, and comes back sealed', async () => {
    const lab = await startRaceLab(2, ['node2']);
    try {
      const n1 = lab.cluster.get('node1');
      // Hold node1's read of its root key: the opening has begun, the keys are not in place yet.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let reached = false;
      const get = n1.storage.get.bind(n1.storage);
      n1.storage.get = async (key) => {
        if (key === StorageKeys.rootKey) ((reached = true), await held);
        return get(key);
      };
      const unseal = lab.cluster.unseal('node1', lab.init.keys.slice(0, 3)).then(
        () => 'unsealed',
        (err: Error) => err.message,
      );
      await settle();
      expect(reached).toBe(true);
      expect(n1.node.sealStatus()).toMatchObject({ sealed: true, progress: 0 });
      await lab.cluster.kill('node1');
      release();
      expect(await unseal).not.toBe('unsealed');
      expect(n1.node.state).toBe('stopped');
      expect(n1.node.barrierSealed, 'the keys the opening put in place are wiped again').toBe(true);
      n1.storage.get = get;
      await lab.cluster.restart('node1');
      expect(n1.node.state).toBe('sealed');
      await lab.cluster.unseal('node1', lab.init.keys.slice(0, 3));
      expect(['standby', 'active']).toContain(n1.node.state);
    } finally {
      await lab.close();
    }
  });

  it('a standby sealed while it is getting ready to be active gives the lock back at once', async () => {
    const lab = await startRaceLab(2, ['node2']);
    try {
      const [n1, n2] = [lab.cluster.get('node1'), lab.cluster.get('node2')];
      await lab.cluster.unseal('node1', lab.init.keys.slice(0, 3));
      await lab.clock.advance(LAB_TIMINGS.leaderCheckMs);
      expect(n1.node.state).toBe('standby');
      // Hold node1's advertisement write, the last step of its setup as active.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let reached = false;
      const put = n1.storage.put.bind(n1.storage);
      n1.storage.put = async (key, value, opts) => {
        if (key.startsWith(StorageKeys.leaderPrefix)) ((reached = true), await held);
        return put(key, value, opts);
      };
      lab.cluster.seal('node2'); // releases the lock: node1 wins it and starts getting ready
      await settle();
      expect(reached).toBe(true);
      lab.cluster.seal('node1'); // sealed mid-setup
      release();
      await settle();
      expect(n1.node.state).toBe('sealed');
      expect(await lockHolder(lab), 'a sealed node must not hold the lock').toBeUndefined();
      // So the peer takes over at once, not a lease later.
      await lab.cluster.unseal('node2', lab.init.keys.slice(0, 3));
      await lab.clock.advance(LAB_TIMINGS.leaderCheckMs);
      expect(n2.node.state).toBe('active');
    } finally {
      await lab.close();
    }
  });
});
