/** Every other /v1/ path: translated into a logical request and served by the node (or its active). */
import type { FastifyInstance, FastifyReply, RouteHandlerMethod } from 'fastify';
import type { LogicalRequest, RawBody, Served } from '../../node/index.ts';
import { envelope, sendErrors, sendJson, sendNoContent, sendRaw } from '../reply.ts';
import type { StandbyHandler } from './sys-raw.ts';
import { toLogicalRequest, type RequestLike } from '../translate.ts';

/** What the logical route needs from a node. */
export interface LogicalTarget {
  readonly state: string;
  handle(req: LogicalRequest): Promise<Served>;
}

/** The methods that map to logical operations. */
export const LOGICAL_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** A logical request's answer before it is written: a status and a JSON body (none for a 204), errors, or a raw body. */
export type LogicalAnswer =
  | { status: number; body?: Record<string, unknown>; errors?: undefined; raw?: undefined }
  | { status: number; errors: string[]; raw?: undefined }
  | { status: number; raw: RawBody; errors?: undefined };

/** Serves a request the way the logical route does, for whichever transport brought it (HTTP or the cluster channel). */
export async function answerLogical(node: LogicalTarget, req: RequestLike): Promise<LogicalAnswer> {
  const lreq = await toLogicalRequest(req);
  const { response, mountType, requestId } = await node.handle(lreq);
  if (response?.raw) return { status: response.status ?? 200, raw: response.raw };
  const empty = !response || (response.data == null && !response.warnings?.length && !response.auth);
  if (empty && response?.status === undefined) {
    // Vault: a read or list that returns nothing is a 404 with no messages. A patch that
    // returns nothing is a 204 (vault#13167); handlers say "not found" explicitly.
    if (lreq.operation === 'read' || lreq.operation === 'list') return { status: 404, errors: [] };
    return { status: 204 };
  }
  return { status: response!.status ?? 200, body: envelope(response!, mountType, requestId) };
}

/** Writes an answer with Vault's headers. */
export function sendAnswer(reply: FastifyReply, a: LogicalAnswer): FastifyReply {
  if (a.errors) return sendErrors(reply, a.status, a.errors);
  if (a.raw) return sendRaw(reply, a.status, a.raw);
  return a.body ? sendJson(reply, a.status, a.body) : sendNoContent(reply);
}

/** Registers the catch-all logical route; returns its handler (the not-found handler reuses it for paths the router refuses). */
export function registerLogicalRoute(app: FastifyInstance, node: LogicalTarget, standby?: StandbyHandler): RouteHandlerMethod {
  const handler: RouteHandlerMethod = async (req, reply) => {
    if (node.state === 'standby' && standby) return standby.handle(req, reply);
    return sendAnswer(reply, await answerLogical(node, req));
  };
  app.route({ method: LOGICAL_METHODS as ('GET' | 'POST')[], url: '/v1/*', handler });
  return handler;
}
