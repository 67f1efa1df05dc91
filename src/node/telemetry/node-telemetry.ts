/**
 * One node's metrics under Vault's names: go-metrics keys such as `vault.core.handle_request`,
 * which Prometheus sees as `vault_core_handle_request`. Timers are summaries in milliseconds
 * (quantiles 0.5, 0.9, 0.99), counters carry no `_total` suffix, and gauges are read from the
 * node when scraped. Each node keeps its own registry: a lab runs several nodes in one process
 * and each answers for itself. Prometheus exposition is prom-client's; the JSON format keeps
 * the aggregates go-metrics shows (min, max, stddev), which summaries do not.
 */
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Registry, Summary } from 'prom-client';
import { byName, goUtcTime, sampledValue, type MetricsSummary } from './metrics-summary.ts';
import { SampleAggregate } from './sample-aggregate.ts';

/** The quantiles go-metrics' Prometheus sink reports for a timer. */
const QUANTILES = [0.5, 0.9, 0.99];

/** A go-metrics key as a Prometheus name: every character Prometheus refuses becomes '_'. */
export function prometheusName(key: string): string {
  return key.replace(/[^a-zA-Z0-9_:]/g, '_');
}

/** What the node tells its telemetry at scrape time. */
export interface TelemetryOptions {
  /** The gauges' current values by go-metrics key (vault.core.unsealed, vault.core.active...). */
  gauges: () => Record<string, number>;
}

/** A node's metrics: timers, counters and gauges. */
export class NodeTelemetry {
  private readonly registry = new Registry();
  private readonly timers = new Map<string, { summary: Summary; agg: SampleAggregate }>();
  private readonly counters = new Map<string, { counter: Counter; agg: SampleAggregate }>();
  private readonly gauges = new Map<string, Gauge>();
  private readonly since = Date.now();

  constructor(private readonly opts: TelemetryOptions) {}

  /** The content type of prometheus(). */
  get prometheusContentType(): string {
    return this.registry.contentType;
  }

  /** Records one timing, in milliseconds. */
  measure(key: string, ms: number): void {
    let t = this.timers.get(key);
    if (!t) {
      const name = prometheusName(key);
      t = { summary: new Summary({ name, help: name, percentiles: QUANTILES, registers: [this.registry] }), agg: new SampleAggregate() };
      this.timers.set(key, t);
    }
    t.summary.observe(ms);
    t.agg.add(ms);
  }

  /**
   * Times an async call from now until it settles, whether it resolves or throws (go-metrics'
   * MeasureSince in a defer). The caller gets the call's own promise: timing adds no promise
   * hop to its path, so a drill's interleaving is the same with metrics as without.
   */
  time<T>(key: string, call: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const settled = call();
    const done = () => this.measure(key, performance.now() - start);
    settled.then(done, done);
    return settled;
  }

  /** Adds to a counter. */
  count(key: string, n = 1): void {
    let c = this.counters.get(key);
    if (!c) {
      const name = prometheusName(key);
      c = { counter: new Counter({ name, help: name, registers: [this.registry] }), agg: new SampleAggregate() };
      this.counters.set(key, c);
    }
    c.counter.inc(n);
    c.agg.add(n);
  }

  /** Vault's JSON format. */
  summary(): MetricsSummary {
    const now = Date.now();
    const seconds = (now - this.since) / 1000;
    const gauges = Object.entries(this.readGauges()).map(([Name, Value]) => ({ Name, Value, Labels: {} }));
    return {
      Timestamp: goUtcTime(now),
      Gauges: byName(gauges),
      Points: [],
      Counters: byName([...this.counters].map(([key, c]) => sampledValue(key, c.agg, seconds))),
      Samples: byName([...this.timers].map(([key, t]) => sampledValue(key, t.agg, seconds))),
    };
  }

  /** Prometheus' text exposition format. */
  async prometheus(): Promise<string> {
    this.readGauges();
    return this.registry.metrics();
  }

  /** Reads the gauges from the node and sets them in the registry. */
  private readGauges(): Record<string, number> {
    const values = this.opts.gauges();
    for (const [key, value] of Object.entries(values)) {
      let g = this.gauges.get(key);
      if (!g) {
        const name = prometheusName(key);
        g = new Gauge({ name, help: name, registers: [this.registry] });
        this.gauges.set(key, g);
      }
      g.set(value);
    }
    return values;
  }
}
