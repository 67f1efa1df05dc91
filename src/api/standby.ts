/**
 * The standby side of HA over HTTP: forward to the active (default) or answer 307 when
 * the client sent X-Vault-No-Request-Forwarding. The active's status, headers and body
 * come back verbatim; when forwarding fails the client is redirected, as Vault falls
 * back to a 307; with no known active the answer is Vault's 500 (forwarding) or 503 (redirect).
 * The body is forwarded as the bytes that arrived, never parsed here.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { redirectLocation, wantsRedirect, type Forwarder, type LeaderInfo } from '../ha/index.ts';
import type { VaultNode } from '../node/index.ts';
import { rawBody } from './body-parser.ts';
import { clientUrl } from './list-method.ts';
import { sendErrors } from './reply.ts';
import type { StandbyHandler } from './routes/sys-raw.ts';

/** What a standby answers (with a 500, as Vault) when it knows no active to forward to: the request went nowhere. */
export const NO_ACTIVE_TO_FORWARD_TO = 'local node not active but active cluster node not found';

/** Builds the standby handler of one node. */
export function createStandbyHandler(node: VaultNode, forwarder: Forwarder): StandbyHandler {
  const leaderOf = async (refresh: boolean): Promise<LeaderInfo | undefined> => {
    const known = refresh ? await node.ha?.refreshLeader() : node.ha?.leader();
    return known && known.holder && known.apiAddr !== node.apiAddr ? known : undefined;
  };
  return {
    async handle(req: FastifyRequest, reply: FastifyReply) {
      const redirect = wantsRedirect(req.headers);
      let leader = await leaderOf(false);
      if (!leader) leader = await leaderOf(true);
      // Vault's words and codes: respondStandby's 503 when redirecting, the forwarding path's 500.
      if (!leader)
        return redirect ? sendErrors(reply, 503, ['no active Vault instance found']) : sendErrors(reply, 500, [NO_ACTIVE_TO_FORWARD_TO]);
      // A 307 names the path and query the client sent (Vault's respondStandby), not the shim's rewrite of a LIST.
      if (redirect) return sendRedirect(reply, leader, clientUrl(req.url, req.headers));
      const fwd = { method: req.method, url: req.url, headers: req.headers, body: rawBody(req) };
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const res = await forwarder.forward(leader, fwd);
          // The target lost leadership (sealed, stepped down) since we last looked: find the new active once.
          if (res.status === 503 && attempt === 0) {
            if (!Buffer.isBuffer(res.body)) res.body.destroy();
            throw new Error('stale leader');
          }
          return reply.code(res.status).headers(res.headers).send(res.body);
        } catch {
          const fresh = await leaderOf(true);
          if (!fresh) break;
          leader = fresh;
        }
      }
      return sendRedirect(reply, leader, clientUrl(req.url, req.headers));
    },
  };
}

function sendRedirect(reply: FastifyReply, leader: LeaderInfo, url: string): FastifyReply {
  return reply.code(307).header('location', redirectLocation(leader.apiAddr, url)).header('cache-control', 'no-store').send();
}
