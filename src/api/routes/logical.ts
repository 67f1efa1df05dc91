/** Every other /v1/ path: translated into a logical request and served by the node (or its active). */
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import type { LogicalRequest, Served } from '../../node/index.ts';
import { envelope, sendErrors, sendJson, sendNoContent } from '../reply.ts';
import type { StandbyHandler } from './sys-raw.ts';
import { toLogicalRequest } from '../translate.ts';

/** What the logical route needs from a node. */
export interface LogicalTarget {
  readonly state: string;
  handle(req: LogicalRequest): Promise<Served>;
}

/** The methods that map to logical operations. */
export const LOGICAL_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** Registers the catch-all logical route; returns its handler (the not-found handler reuses it for paths the router refuses). */
export function registerLogicalRoute(app: FastifyInstance, node: LogicalTarget, standby?: StandbyHandler): RouteHandlerMethod {
  const handler: RouteHandlerMethod = async (req, reply) => {
    if (node.state === 'standby' && standby) return standby.handle(req, reply);
    const lreq = await toLogicalRequest(req);
    const { response, mountType } = await node.handle(lreq);
    const empty = !response || (response.data == null && !response.warnings?.length && !response.auth);
    if (empty && response?.status === undefined) {
      // Vault: a read or list that returns nothing is a 404 with no messages. A patch that
      // returns nothing is a 204 (vault#13167); handlers say "not found" explicitly.
      if (lreq.operation === 'read' || lreq.operation === 'list') return sendErrors(reply, 404, []);
      return sendNoContent(reply);
    }
    return sendJson(reply, response!.status ?? 200, envelope(response!, mountType));
  };
  app.route({ method: LOGICAL_METHODS as ('GET' | 'POST')[], url: '/v1/*', handler });
  return handler;
}
