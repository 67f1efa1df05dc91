/**
 * The HTTP face of one node: a fastify app built by a function that never listens
 * (tests use `inject()`; `listen()` adds the LIST-method shim). Every response, errors
 * from fastify itself included, leaves in Vault's shape.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { VaultNode } from '../node/index.ts';
import { installBodyAllowance } from './body-allowance.ts';
import { installBodyParser, MAX_REQUEST_SIZE } from './body-parser.ts';
import { vaultClientErrorHandler } from './client-error.ts';
import { sendErrors } from './reply.ts';
import { LOGICAL_METHODS, registerLogicalRoute } from './routes/logical.ts';
import { registerKeyRoutes } from './routes/sys-keys.ts';
import { registerRawRoutes, type StandbyHandler } from './routes/sys-raw.ts';
import { registerUnauthenticatedMetrics } from './routes/unauthenticated-metrics.ts';
import type { RequestTally } from './request-tally.ts';
import { VAULT_JSON_LIMITS, type JsonLimits } from './json-limits.ts';
import { errorsFor, statusForError } from './status-codes.ts';

/** Options for one node's app. */
export interface AppOptions {
  /** Vault's max_request_size (default 32 MiB). */
  maxRequestSize?: number;
  /** Vault's max_json_* listener limits (default: Vault's). */
  jsonLimits?: Partial<JsonLimits>;
  /** How long a stepped-down node waits before campaigning again (Vault: 10 s). */
  stepDownBackoffMs?: number;
  /** What a standby does with requests for the active (src/ha's forwarder). */
  standby?: StandbyHandler;
  /** Where to count answers by route while the lab's dashboard watches (lab nodes only). */
  requests?: RequestTally;
  /** Fastify's logger (off by default: the lab prints its own lines). */
  logger?: boolean;
  /** The listener's `telemetry { unauthenticated_metrics_access = true }`: sys/metrics without a token, from this node itself. */
  unauthenticatedMetricsAccess?: boolean;
}

/** Builds the fastify app of one node. */
export function buildApp(node: VaultNode, opts: AppOptions = {}): FastifyInstance {
  const bodyLimit = opts.maxRequestSize ?? MAX_REQUEST_SIZE;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit,
    return503OnClosing: false,
    forceCloseConnections: true,
    // Errors raised before any route (bad URL escapes, unparsable heads) leave in Vault's shape too.
    frameworkErrors: (err, _req, reply) => sendErrors(reply, statusForError(err), errorsFor(err)),
    clientErrorHandler: vaultClientErrorHandler,
  });
  installBodyParser(app, bodyLimit, { ...VAULT_JSON_LIMITS, ...opts.jsonLimits });
  installBodyAllowance(app, node);
  app.setErrorHandler((err, _req, reply) => sendErrors(reply, statusForError(err), errorsFor(err)));
  opts.requests?.watch(app.server);
  registerRawRoutes(app, node, { stepDownBackoffMs: opts.stepDownBackoffMs ?? 10_000, standby: opts.standby });
  registerKeyRoutes(app, node, opts.standby);
  if (opts.unauthenticatedMetricsAccess) registerUnauthenticatedMetrics(app, node);
  const logical = registerLogicalRoute(app, node, opts.standby);
  app.setNotFoundHandler(function (req, reply) {
    if (!req.url.startsWith('/v1/')) return sendErrors(reply, 404, []);
    // The router refuses some paths (encoded dots): the logical path answers them in Vault's words.
    if (LOGICAL_METHODS.includes(req.method)) return logical.call(this, req, reply);
    return sendErrors(reply, 405, [`unsupported method ${req.method}`]);
  });
  return app;
}
