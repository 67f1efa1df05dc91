/** What a drill is: cluster size, clients, faults at given times, and whether storage fences. */
import { between, oneOf, seeded } from './rng.ts';

/** The faults a drill can inject. */
export type FaultKind = 'kill' | 'seal' | 'step-down' | 'pause' | 'delete-lock' | 'partition-storage' | 'partition-peers' | 'slow-storage' | 'storage-errors';

/** One fault: when, what, and for how long (kill, seal, pause and storage faults end by themselves). */
export interface FaultStep {
  at: number;
  kind: FaultKind;
  /** 'active' = whoever is active at that moment; or a node name. */
  target: string;
  durationMs: number;
}

/** A whole drill. */
export interface DrillSpec {
  seed: number;
  nodes: number;
  clients: number;
  keys: number;
  /** Virtual ms of client load. */
  durationMs: number;
  faults: FaultStep[];
  fencing: boolean;
}

/** Random drills use every fault that acts in-process (peer partitions need real sockets). */
const KINDS: FaultKind[] = ['kill', 'seal', 'step-down', 'pause', 'delete-lock', 'partition-storage', 'slow-storage', 'storage-errors'];

/** A random drill from a seed: 3–5 nodes, 2–4 clients, 1–5 faults. */
export function randomSpec(seed: number, fencing = true): DrillSpec {
  const rnd = seeded(seed);
  const durationMs = between(rnd, 4000, 8000);
  const faults: FaultStep[] = Array.from({ length: between(rnd, 1, 5) }, () => ({
    at: between(rnd, 300, durationMs - 1500),
    kind: oneOf(rnd, KINDS),
    target: 'active',
    durationMs: between(rnd, 200, 2500),
  })).sort((a, b) => a.at - b.at);
  return { seed, nodes: between(rnd, 3, 5), clients: between(rnd, 2, 4), keys: between(rnd, 1, 3), durationMs, faults, fencing };
}
