/**
 * The one vocabulary of faults, shared by the lab (`vaultlab fault`, the control endpoint)
 * and the drills (scenarios and seeded random drills): each kind, what it acts on, where it
 * is offered, and the storage settings of the storage-wide ones. Everything else (the lab's
 * and the drills' lists, their checks and defaults) is read from this table.
 */
import type { StorageFaults } from '../storage/index.ts';

/** What a fault acts on, and whether the lab can end it by itself after a duration. */
export interface FaultShape {
  on: 'node' | 'storage' | 'active';
  timed: boolean;
}

/** The storage knobs a storage-wide fault turns (latency, jitter, error rate). */
export type StorageKnobs = Partial<Pick<StorageFaults, 'latencyMs' | 'jitter' | 'errorRate'>>;

/** One kind of fault. */
interface FaultKindEntry {
  /** One node, all of storage, whichever node is active, a zone of the lab's topology (the drills' zone-down), or a process lab's etcd. */
  on: FaultShape['on'] | 'zone' | 'etcd';
  /** Offered by the lab; `timed`: it ends after a duration when given one; `healable`: `heal` ends it. */
  lab?: { timed: boolean; healable: boolean };
  /** Used by drills: 'random' ones are also drawn by the seeded random drills, 'scripted' ones only by scenarios. */
  drill?: 'random' | 'scripted';
  /** Storage-wide faults: the knobs they turn, at their defaults (healing sets the same knobs to 0). */
  settings?: StorageKnobs;
}

/**
 * Every fault, in the order listings show them; the random drills draw in this order, so
 * it is part of what a seed replays. A partition from peers only breaks request
 * forwarding, which needs real sockets: random drills (in one process) leave it out.
 */
const FAULTS = {
  kill: { on: 'node', lab: { timed: true, healable: false }, drill: 'random' },
  restart: { on: 'node', lab: { timed: false, healable: false } },
  'crash-restart': { on: 'node', drill: 'random' },
  seal: { on: 'node', lab: { timed: false, healable: false }, drill: 'random' },
  'step-down': { on: 'active', lab: { timed: false, healable: false }, drill: 'random' },
  pause: { on: 'node', lab: { timed: true, healable: true }, drill: 'random' },
  'partition-storage': { on: 'node', lab: { timed: true, healable: true }, drill: 'random' },
  'partition-peers': { on: 'node', lab: { timed: true, healable: true }, drill: 'scripted' },
  'slow-storage': { on: 'storage', lab: { timed: true, healable: true }, drill: 'random', settings: { latencyMs: 25, jitter: 0.8 } },
  // Vault's ErrorInjector fails 20 % of calls by default.
  'storage-errors': { on: 'storage', lab: { timed: true, healable: true }, drill: 'random', settings: { errorRate: 0.2 } },
  'delete-lock': { on: 'storage', lab: { timed: false, healable: false }, drill: 'random' },
  // The lab takes a zone down with its own verb (`fault zone Z down`); a drill needs a topology for it, so no random drill draws it.
  'zone-down': { on: 'zone', drill: 'scripted' },
  // A process lab's own etcd (drills with --processes; the lab's verb is `fault etcd`): a member ('leader', 'follower' or
  // its name) killed or paused for the fault's duration, or a majority killed.
  'etcd-kill': { on: 'etcd', drill: 'scripted' },
  'etcd-pause': { on: 'etcd', drill: 'scripted' },
  'etcd-quorum': { on: 'etcd', drill: 'scripted' },
} as const satisfies Record<string, FaultKindEntry>;

type Faults = typeof FAULTS;
type KindsWith<P> = { [K in keyof Faults]: Faults[K] extends P ? K : never }[keyof Faults];

/** A fault the lab accepts. */
export type LabFault = KindsWith<{ lab: object }>;

/** A fault a drill can inject. */
export type FaultKind = KindsWith<{ drill: string }>;

/** A storage-wide fault with knobs (latency, errors). */
export type StorageFaultKind = KindsWith<{ settings: object }>;

const ENTRIES: ReadonlyArray<[keyof Faults, FaultKindEntry]> = Object.entries(FAULTS) as Array<[keyof Faults, FaultKindEntry]>;

function kindsWhere<K extends keyof Faults>(test: (f: FaultKindEntry) => boolean): readonly K[] {
  return ENTRIES.filter(([, f]) => test(f)).map(([kind]) => kind as K);
}

/** The fault names the lab accepts. */
export const LAB_FAULTS: readonly LabFault[] = kindsWhere<LabFault>((f) => f.lab !== undefined);

/** The faults that the lab's `heal` ends (killed nodes stay down until restarted). */
export const HEALABLE_FAULTS: readonly LabFault[] = kindsWhere<LabFault>((f) => f.lab?.healable === true);

/** Every fault kind a drill can inject, for listings and validation. */
export const FAULT_KINDS: readonly FaultKind[] = kindsWhere<FaultKind>((f) => f.drill !== undefined);

/** The faults random drills draw from: every fault that acts in one process. */
export const RANDOM_FAULT_KINDS: readonly FaultKind[] = kindsWhere<FaultKind>((f) => f.drill === 'random');

/** Each fault the lab accepts and its shape: one table, so the CLI and the server cannot disagree. */
export const FAULT_SHAPES: Readonly<Record<LabFault, FaultShape>> = Object.fromEntries(
  ENTRIES.flatMap(([kind, f]) => (f.lab ? [[kind, { on: f.on, timed: f.lab.timed }]] : [])),
) as Record<LabFault, FaultShape>;

/** Whether a fault acts on all of storage rather than on a node. */
export function actsOnStorage(kind: keyof Faults): boolean {
  return FAULTS[kind].on === 'storage';
}

/** Whether a fault acts on a process lab's etcd (only a drill with --processes has one). */
export function actsOnEtcd(kind: keyof Faults): boolean {
  return FAULTS[kind].on === 'etcd';
}

/** Whether a fault acts on a zone of the lab's topology (its target names a zone, or a node whose zone it hits). */
export function actsOnZone(kind: keyof Faults): boolean {
  return FAULTS[kind].on === 'zone';
}

const KNOBS = ['latencyMs', 'jitter', 'errorRate'] as const;

/** The storage settings a storage-wide fault turns on: each of its knobs as given, else at its default. */
export function faultSettings(kind: StorageFaultKind, given: StorageKnobs = {}): StorageKnobs {
  const defaults: StorageKnobs = FAULTS[kind].settings;
  const out: StorageKnobs = {};
  for (const k of KNOBS) if (defaults[k] !== undefined) out[k] = given[k] ?? defaults[k];
  return out;
}

/** The storage settings that end a storage-wide fault: its knobs at 0. */
export function healedSettings(kind: StorageFaultKind): StorageKnobs {
  const out: StorageKnobs = {};
  for (const k of KNOBS) if (k in FAULTS[kind].settings) out[k] = 0;
  return out;
}
