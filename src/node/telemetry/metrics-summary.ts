/**
 * The JSON of `GET sys/metrics` (go-metrics' DisplayMetrics, which Vault returns as is, not
 * in a `data` envelope): Timestamp, Gauges, Points, Counters, Samples, each sorted by name.
 * go-metrics reports its last 10-second interval; the lab reports everything since the node
 * started, and Rate is the sum per second over that time.
 */
import type { SampleAggregate } from './sample-aggregate.ts';

/** A gauge as go-metrics shows it. */
export interface GaugeValue {
  Name: string;
  Value: number;
  Labels: Record<string, string>;
}

/** A counter or a timer as go-metrics shows it. */
export interface SampledValue {
  Name: string;
  Count: number;
  Rate: number;
  Sum: number;
  Min: number;
  Max: number;
  Mean: number;
  Stddev: number;
  Labels: Record<string, string>;
}

/** The whole answer. */
export interface MetricsSummary {
  Timestamp: string;
  Gauges: GaugeValue[];
  Points: never[];
  Counters: SampledValue[];
  Samples: SampledValue[];
}

/** Go's time.Time String() in UTC, to the second: `2019-05-22 19:39:20 +0000 UTC`. */
export function goUtcTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '')} +0000 UTC`;
}

/** One aggregate in go-metrics' shape; `seconds` is the time it covers (for Rate). */
export function sampledValue(name: string, a: SampleAggregate, seconds: number): SampledValue {
  return {
    Name: name,
    Count: a.count,
    Rate: seconds > 0 ? a.sum / seconds : 0,
    Sum: a.sum,
    Min: a.min,
    Max: a.max,
    Mean: a.mean,
    Stddev: a.stddev,
    Labels: {},
  };
}

/** Sorts a list by Name, as go-metrics does. */
export function byName<T extends { Name: string }>(list: T[]): T[] {
  return list.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}
