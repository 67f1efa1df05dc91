/**
 * What `GET sys/metrics` sends, as Vault's MetricsHelper.ResponseForFormat builds it: a raw
 * body, never the usual envelope. No format: the JSON summary (application/json, no trailing
 * newline: json.Marshal). `prometheus`: the text exposition. Anything else: 400 text/plain
 * `metric response format "x" unknown`. Vault serves Prometheus only when the telemetry
 * stanza sets prometheus_retention_time; the lab always does, and says so in its README.
 */
import type { NodeTelemetry } from './node-telemetry.ts';

/** A raw answer: status, content type and body. */
export interface MetricsAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** The answer for `format` (a query value; '' or absent means JSON). */
export async function metricsAnswer(telemetry: NodeTelemetry, format: unknown): Promise<MetricsAnswer> {
  const f = format === undefined ? '' : String(format);
  if (f === '') return { status: 200, contentType: 'application/json', body: JSON.stringify(telemetry.summary()) };
  if (f === 'prometheus') return { status: 200, contentType: telemetry.prometheusContentType, body: await telemetry.prometheus() };
  return { status: 400, contentType: 'text/plain', body: `metric response format "${f}" unknown` };
}
