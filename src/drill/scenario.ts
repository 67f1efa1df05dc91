/** Scenarios as data: a named, described drill with fixed faults, and the catalogue in scenarios/. */
import type { DrillSpec, FaultStep } from './drill-spec.ts';

/** A scenario: a drill with a name, a story, fixed faults and what it expects. */
export interface Scenario {
  name: string;
  description: string;
  nodes?: number;
  clients?: number;
  durationMs?: number;
  fencing?: boolean;
  steps: FaultStep[];
  /** A scenario that must find a violation (the unfenced mutant). */
  expectViolation?: boolean;
}

/** Declares a scenario (a typed identity, so scenario files read as data). */
export function defineScenario(s: Scenario): Scenario {
  return s;
}

/** The drill a scenario plays with a given seed (the seed picks client choices, not faults). */
export function specOf(s: Scenario, seed: number): DrillSpec {
  return { seed, nodes: s.nodes ?? 3, clients: s.clients ?? 3, keys: 2, durationMs: s.durationMs ?? 5000, faults: s.steps, fencing: s.fencing ?? true };
}
