/**
 * sys/metrics (the node's telemetry, as a raw body: see metrics-response.ts) and
 * sys/internal/counters/tokens (how many service tokens are stored). Both are logical paths
 * like any other: a token with `read` on them, and a standby forwards them, so the answer
 * is the active's, as in Vault. sys/metrics without a token is the listener's business
 * (unauthenticated_metrics_access), served in src/api by the node itself.
 */
import { metricsAnswer } from '../../../telemetry/index.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import type { PathEntry } from '../path-table.ts';

async function metrics(sys: SystemView, format: unknown): Promise<LogicalResponse> {
  const a = await metricsAnswer(sys.telemetry, format);
  return { status: a.status, raw: { contentType: a.contentType, body: a.body } };
}

/** The stored service tokens (batch tokens are never stored, so never counted, as in Vault). */
async function serviceTokens(sys: SystemView): Promise<number> {
  return (await sys.tokens.expiries()).filter((t) => !t.revocationPending).length;
}

/** The metrics and counters paths. */
export function metricsPaths(sys: SystemView): PathEntry[] {
  return [
    { pattern: /^metrics$/, operations: { read: (req) => metrics(sys, req.data.format) } },
    {
      pattern: /^internal\/counters\/tokens$/,
      operations: { read: async () => ({ data: { counters: { service_tokens: { total: await serviceTokens(sys) } } } }) },
    },
  ];
}
