/**
 * `GET /v1/sys/metrics` when the listener allows it without a token (Vault's
 * handleMetricsUnauthenticated): served by this node from its own metrics, sealed or standby
 * alike, never forwarded, so Prometheus can scrape every node. The format comes from the
 * query, or from an Accept header asking for OpenMetrics or Prometheus' schema, as in Vault.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { metricsAnswer, type VaultNode } from '../../node/index.ts';
import { sendRaw } from '../reply.ts';

/** The format a request asks for: `format`, else what its Accept header names. */
function requestedFormat(req: FastifyRequest): string {
  const format = (req.query as Record<string, unknown>).format;
  if (typeof format === 'string' && format) return format;
  const accept = req.headers.accept ?? '';
  return accept.startsWith('application/openmetrics-text') || accept.includes('prometheus/telemetry') ? 'prometheus' : '';
}

/** Registers the unauthenticated metrics route of one node's listener. */
export function registerUnauthenticatedMetrics(app: FastifyInstance, node: VaultNode): void {
  app.get('/v1/sys/metrics', async (req, reply) => {
    const a = await metricsAnswer(node.telemetry, requestedFormat(req));
    return sendRaw(reply, a.status, { contentType: a.contentType, body: a.body });
  });
}
