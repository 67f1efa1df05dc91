/** The pure arithmetic of the scaling figures: spreads of repeats, splitting connections over jobs, adding jobs up. */
import { spread, type Spread } from '../summary.ts';

export type { Spread };

/** The bench's spread of a list that must not be empty: a scaling figure with no repeat behind it is a bug, not NaN. */
export function spreadOf(values: readonly number[]): Spread {
  if (!values.length) throw new Error('no values to summarise');
  return spread(values);
}

/** `total` connections over `jobs` jobs as evenly as they go (the first jobs take the remainder); every job gets at least one. */
export function splitConnections(total: number, jobs: number): number[] {
  if (!Number.isInteger(total) || !Number.isInteger(jobs) || jobs < 1 || total < jobs)
    throw new Error(`cannot split ${total} connections over ${jobs} jobs`);
  return Array.from({ length: jobs }, (_, i) => Math.floor(total / jobs) + (i < total % jobs ? 1 : 0));
}

/** What one load job measured, as far as adding jobs up needs it (µs latencies). */
export interface JobFigures {
  requests: number;
  reqPerSec: number;
  errors: number;
  p50Us: number;
  p99Us: number;
}

/**
 * Jobs run side by side, as one load: rates and counts add up. Each job only reports its own
 * percentiles, so the p50 is their mean weighted by requests (an estimate) and the p99 the
 * largest job's p99 (an upper bound); the server's CPU over the window is shared by every request.
 */
export function combineJobs(jobs: readonly JobFigures[], serverCpuMicros: number): JobFigures & { cpuUsPerReq: number } {
  const requests = jobs.reduce((n, j) => n + j.requests, 0);
  if (!requests) throw new Error('the load jobs completed no request');
  return {
    requests,
    reqPerSec: jobs.reduce((n, j) => n + j.reqPerSec, 0),
    errors: jobs.reduce((n, j) => n + j.errors, 0),
    p50Us: jobs.reduce((n, j) => n + j.p50Us * j.requests, 0) / requests,
    p99Us: Math.max(...jobs.map((j) => j.p99Us)),
    cpuUsPerReq: serverCpuMicros / requests,
  };
}
