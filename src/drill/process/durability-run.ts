/**
 * The durability run of process labs: seeded random drills on node processes and a real etcd,
 * each a writing (and reading) client load under five faults drawn from what hurts a cluster
 * of processes: a SIGKILL of the active, a SIGSTOP of the active longer than its lease, an etcd
 * follower killed, etcd's leader killed, and a node cut from etcd. Every drill's history goes
 * through the checker; the run adds up what the README quotes: faults injected, acknowledged
 * writes lost, stale reads (C5), writes storage accepted from two terms at once (C2), writes
 * etcd fenced, how long two nodes both said they were active, and the clients' downtime.
 */
import type { DrillSpec, FaultKind, FaultStep } from '../drill-spec.ts';
import { between, oneOf, seeded } from '../rng.ts';
import { runProcessDrill, type ProcessDrillResult } from './process-drill.ts';

/** One kind of fault the run draws, with whom it hits and how long it lasts (ms). */
const DRAWS: ReadonlyArray<{ label: string; kind: FaultKind; target: () => string; ms: [number, number] }> = [
  { label: 'SIGKILL of the active', kind: 'kill', target: () => 'active', ms: [500, 2000] },
  // Longer than the lab's 1 s lease: the active's lease runs out while it is stopped.
  { label: 'SIGSTOP of the active past its lease', kind: 'pause', target: () => 'active', ms: [1500, 3000] },
  { label: 'etcd follower killed', kind: 'etcd-kill', target: () => 'follower', ms: [500, 2500] },
  { label: 'etcd leader killed', kind: 'etcd-kill', target: () => 'leader', ms: [500, 2500] },
  { label: 'a node cut from etcd', kind: 'partition-storage', target: () => 'active', ms: [500, 2500] },
];

/** Faults per drill, and the time between two. */
const FAULTS_PER_DRILL = 5;
const FAULT_GAP_MS = 2000;

/** The label of a fault as the run counts it. */
export function faultLabel(f: FaultStep): string {
  return DRAWS.find((d) => d.kind === f.kind && d.target() === f.target)?.label ?? `${f.kind} ${f.target}`;
}

/** A random process drill from a seed: 3 nodes, 3 clients on 3 keys, five faults two seconds apart. */
export function randomProcessSpec(seed: number): DrillSpec {
  const rnd = seeded(seed);
  const faults: FaultStep[] = Array.from({ length: FAULTS_PER_DRILL }, (_, i) => {
    const d = oneOf(rnd, DRAWS);
    return {
      at: 800 + i * FAULT_GAP_MS + between(rnd, 0, 400),
      kind: d.kind,
      target: d.target(),
      durationMs: between(rnd, d.ms[0], d.ms[1]),
    };
  });
  const durationMs = 800 + FAULTS_PER_DRILL * FAULT_GAP_MS + 2500;
  return { seed, nodes: 3, clients: 3, keys: 3, durationMs, thinkMs: [10, 60], faults, fencing: true };
}

/** What the run adds up. */
export interface DurabilityFigures {
  drills: number;
  firstSeed: number;
  /** Faults that fired (a fault with nothing to act on is skipped and not counted), by label. */
  faults: Record<string, number>;
  acknowledgedWrites: number;
  acknowledgedReads: number;
  lostWrites: number;
  /** Drills whose reads were not linearizable (C5): a stale read. */
  staleReadDrills: number;
  /** Drills where storage accepted a write from an older term after a newer one was granted (C2). */
  splitBrainDrills: number;
  /** Any other violation, by check. */
  violations: Record<string, number>;
  fencedWrites: number;
  /** Per drill: ms during which two running nodes both said they were active. */
  activeOverlapMs: number[];
  /** Per drill: ms the clients went without a successful answer. */
  downtimeMs: number[];
  wallMs: number;
}

/** Runs `n` random process drills from `seed`; `onDrill` hears each as it ends (for progress). */
export async function runDurability(
  n: number,
  seed: number,
  onDrill?: (r: ProcessDrillResult, i: number) => void,
): Promise<DurabilityFigures> {
  const started = Date.now();
  const f: DurabilityFigures = {
    drills: n,
    firstSeed: seed,
    faults: {},
    acknowledgedWrites: 0,
    acknowledgedReads: 0,
    lostWrites: 0,
    staleReadDrills: 0,
    splitBrainDrills: 0,
    violations: {},
    fencedWrites: 0,
    activeOverlapMs: [],
    downtimeMs: [],
    wallMs: 0,
  };
  for (let i = 0; i < n; i++) {
    const spec = randomProcessSpec(seed + i);
    const r = await runProcessDrill(spec);
    const ops = r.history.events;
    const invokes = new Map(ops.flatMap((e) => (e.kind === 'invoke' ? [[e.op, e.type] as const] : [])));
    for (const e of ops) {
      if (e.kind === 'ok') invokes.get(e.op) === 'put' ? f.acknowledgedWrites++ : f.acknowledgedReads++;
    }
    for (const step of r.firedFaults) f.faults[faultLabel(step)] = (f.faults[faultLabel(step)] ?? 0) + 1;
    f.lostWrites += r.lostWrites;
    f.fencedWrites += r.fencedWrites;
    if (r.violation?.check === 'C5') f.staleReadDrills++;
    else if (r.violation?.check === 'C2') f.splitBrainDrills++;
    else if (r.violation) f.violations[r.violation.check] = (f.violations[r.violation.check] ?? 0) + 1;
    f.activeOverlapMs.push(r.activeOverlapMs);
    f.downtimeMs.push(r.downtimeMs);
    onDrill?.(r, i);
  }
  f.wallMs = Date.now() - started;
  return f;
}
