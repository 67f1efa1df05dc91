/** The shape of a scaling run's results.json. */
import type { NodeCountFigures } from './node-scaling.ts';
import type { UpTimeFigures } from './up-time.ts';

/** What the drill phase reports (the per-seed outcomes go to their own file). */
export interface DrillCostFigures {
  drills: number;
  jobs: number;
  wallMs: number;
  cpuMs: number;
  acknowledged: number;
  failures: number;
}

/** One phase of the run with the 1-minute load average around it. */
export interface Phase {
  name: string;
  loadBefore: number;
  loadAfter: number;
  seconds: number;
}

/** Everything a scaling run measured. */
export interface ScalingResults {
  machine: { cpus: number; cpuModel: string; node: string };
  settings: {
    quick: boolean;
    nodeCounts: number[];
    connections: number;
    reps: number;
    durationSec: number;
    warmupSec: number;
    upRuns: number;
    drillBatches: Array<{ firstSeed: number; count: number }>;
  };
  phases: Phase[];
  nodes: NodeCountFigures[];
  up: UpTimeFigures;
  drills: DrillCostFigures;
  elapsedSec: number;
}
