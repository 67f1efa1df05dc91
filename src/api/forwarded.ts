/**
 * The active's side of request forwarding: a request a standby received and sent over the
 * cluster channel, served without a second HTTP parse. A logical request goes straight to the
 * same answer the logical route gives (JSON limits, the allowance before authentication,
 * Vault's error shapes; the cluster port has already refused a body over max_request_size); the one raw route a standby forwards (step-down) goes
 * through the app itself. A node that is no longer active answers 503, so the standby looks
 * for the new active.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { VaultNode } from '../node/index.ts';
import { authenticated, tooLarge, UNAUTHENTICATED_BODY_LIMIT } from './body-allowance.ts';
import { holdBody } from './body-parser.ts';
import { VAULT_JSON_LIMITS, type JsonLimits } from './json-limits.ts';
import { jsonBytes, JSON_HEADERS } from './reply.ts';
import { answerLogical, type LogicalAnswer } from './routes/logical.ts';
import { errorsFor, statusForError } from './status-codes.ts';

/** A request as a standby received it: method, path and query, headers, and the body's bytes unread. */
export interface PlainRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body?: Buffer;
  /** The client's address as the standby saw it. */
  ip?: string;
}

/** The active's answer, to be copied back to the client verbatim. */
export interface PlainResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The JSON limits the active applies (the same as its app's). The body's size limit is the cluster port's: it never buffers more. */
export interface ForwardedOptions {
  jsonLimits?: Partial<JsonLimits>;
}

/** What a node that lost leadership answers a forwarded request: the standby finds the new active. */
export const NOT_ACTIVE = 'node is not active';

/** The raw routes a standby forwards rather than answers (they act on the active). */
const FORWARDED_RAW_ROUTES = new Set([
  '/v1/sys/step-down',
  '/v1/sys/rekey/init',
  '/v1/sys/rekey/update',
  '/v1/sys/rekey/verify',
  '/v1/sys/generate-root/attempt',
  '/v1/sys/generate-root/update',
]);

/** Builds the handler of forwarded requests for one node and its app. */
export function createForwardedHandler(app: FastifyInstance, node: VaultNode, opts: ForwardedOptions = {}) {
  const limits = { ...VAULT_JSON_LIMITS, ...opts.jsonLimits };
  return async (req: PlainRequest): Promise<PlainResponse> => {
    if (node.state !== 'active') return written({ status: 503, errors: [NOT_ACTIVE] });
    const path = req.url.split('?', 1)[0]!;
    if (FORWARDED_RAW_ROUTES.has(path)) return throughApp(app, req);
    try {
      if ((req.body?.length ?? 0) > UNAUTHENTICATED_BODY_LIMIT && !(await authenticated(node, req))) throw tooLarge();
      return written(await answerLogical(node, holdBody({ ...req }, req.body, limits)));
    } catch (err) {
      return written({ status: statusForError(err), errors: errorsFor(err) });
    }
  };
}

/** Vault's 413 for a body over max_request_size, as the API port words it. */
export function tooLargeResponse(): PlainResponse {
  const err = tooLarge();
  return written({ status: statusForError(err), errors: errorsFor(err) });
}

/** An answer as bytes with Vault's headers (as reply.ts writes them to a socket). */
function written(a: LogicalAnswer): PlainResponse {
  if (a.raw)
    return { status: a.status, headers: { 'content-type': a.raw.contentType, 'cache-control': 'no-store' }, body: Buffer.from(a.raw.body) };
  const payload = a.errors ? { errors: a.errors } : a.body;
  if (!payload) return { status: a.status, headers: { 'cache-control': 'no-store' }, body: Buffer.alloc(0) };
  return { status: a.status, headers: { ...JSON_HEADERS }, body: jsonBytes(payload) };
}

async function throughApp(app: FastifyInstance, req: PlainRequest): Promise<PlainResponse> {
  const res = await app.inject({ method: req.method as 'PUT', url: req.url, headers: req.headers, payload: req.body });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (typeof v === 'string' && k !== 'content-length' && k !== 'connection') headers[k] = v;
  return { status: res.statusCode, headers, body: res.rawPayload };
}
