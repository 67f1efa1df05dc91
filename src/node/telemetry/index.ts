/** A node's metrics under Vault's names, in Vault's JSON and in Prometheus' format. */
export { NodeTelemetry, prometheusName, type TelemetryOptions } from './node-telemetry.ts';
export type { MetricsSummary } from './metrics-summary.ts';
export { TimedBarrier } from './timed-barrier.ts';
export { metricsAnswer, type MetricsAnswer } from './metrics-response.ts';
