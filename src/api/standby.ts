/**
 * The standby side of HA over HTTP: forward to the active (default) or answer 307 when
 * the client sent X-Vault-No-Request-Forwarding. The active's status, headers and body
 * come back verbatim; when forwarding fails the client is redirected, as Vault falls
 * back to a 307; with no known active the answer is Vault's 500 (forwarding) or 503 (redirect).
 * The body is forwarded as the bytes that arrived, never parsed here.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { redirectLocation, wantsRedirect, type Forwarder, type LeaderInfo } from '../ha/index.ts';
import type { RequestTally } from './request-tally.ts';
import type { VaultNode } from '../node/index.ts';
import { rawBody } from './body-parser.ts';
import { clientUrl } from './list-method.ts';
import { sendErrors } from './reply.ts';
import type { StandbyHandler } from './routes/sys-raw.ts';

/** What a standby answers (with a 500, as Vault) when it knows no active to forward to: the request went nowhere. */
export const NO_ACTIVE_TO_FORWARD_TO = 'local node not active but active cluster node not found';

/** What a standby answers (with a 503, as Vault's respondStandby) when asked for a redirect and it knows no active. */
const NO_ACTIVE_TO_REDIRECT_TO = 'no active Vault instance found';

/** A standby's answer to a client that asked not to be forwarded: a 307 to the active's api_addr, or a 503. */
type StandbyRedirect = { status: 307; location: string } | { status: 503; errors: string[] };

/** A leader entry that names another node (an empty lock, or this node's own stale entry, names none). */
function otherNode(node: VaultNode, known: LeaderInfo | undefined): LeaderInfo | undefined {
  return known && known.holder && !node.ha?.isOwnEntry(known.holder) ? known : undefined;
}

/** The other node a standby takes for the active: as last seen, or read again from the lock when it knows none. */
async function knownLeader(node: VaultNode): Promise<LeaderInfo | undefined> {
  return otherNode(node, node.ha?.leader()) ?? otherNode(node, await node.ha?.refreshLeader());
}

/**
 * Where a standby sends a client that asked not to be forwarded (`url`: the path and query it sent).
 * It names the active it last saw, even one that has just died while its lease still runs: what
 * a client of a real cluster meets during a failover. The drills' in-process clients ask this too.
 */
export async function standbyRedirect(node: VaultNode, url: string): Promise<StandbyRedirect> {
  const leader = await knownLeader(node);
  return leader ? { status: 307, location: redirectLocation(leader.apiAddr, url) } : { status: 503, errors: [NO_ACTIVE_TO_REDIRECT_TO] };
}

/** The active answered 503: it is no longer active (sealed, stepped down), so the lock is read again. */
const STALE_LEADER = new Error('stale leader');

/** Builds the standby handler of one node (`requests`: where it marks what it forwards while the dashboard counts). */
export function createStandbyHandler(node: VaultNode, forwarder: Forwarder, requests?: RequestTally): StandbyHandler {
  return {
    async handle(req: FastifyRequest, reply: FastifyReply) {
      // A 307 names the path and query the client sent (Vault's respondStandby), not the shim's rewrite of a LIST.
      if (wantsRedirect(req.headers)) return sendRedirect(reply, await standbyRedirect(node, clientUrl(req.url, req.headers)));
      let leader = await knownLeader(node);
      // Vault's words and code on the forwarding path when no active is known.
      if (!leader) return sendErrors(reply, 500, [NO_ACTIVE_TO_FORWARD_TO]);
      const fwd = { method: req.method, url: req.url, headers: req.headers, body: rawBody(req), ip: req.ip };
      requests?.markForwarded(req);
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const target = leader;
          // Vault's forwarding timer and error counter, on the standby that forwards.
          const res = await node.telemetry.time('vault.ha.rpc.client.forward', () => forwarder.forward(target, fwd));
          // The target lost leadership (sealed, stepped down) since we last looked: find the new active once.
          if (res.status === 503 && attempt === 0) {
            if (!Buffer.isBuffer(res.body)) res.body.destroy();
            throw STALE_LEADER;
          }
          return reply.code(res.status).headers(res.headers).send(res.body);
        } catch (err) {
          if (err !== STALE_LEADER) node.telemetry.count('vault.ha.rpc.client.forward.errors');
          const fresh = otherNode(node, await node.ha?.refreshLeader());
          // Vault falls back to a 307 as soon as forwarding fails: trying the same unreachable active
          // again would only make the client wait twice, so only a new holder of the lock is retried.
          if (!fresh || (err !== STALE_LEADER && fresh.holder === leader.holder)) break;
          leader = fresh;
        }
      }
      return sendRedirect(reply, { status: 307, location: redirectLocation(leader.apiAddr, clientUrl(req.url, req.headers)) });
    },
  };
}

function sendRedirect(reply: FastifyReply, answer: StandbyRedirect): FastifyReply {
  if (answer.status === 503) return sendErrors(reply, 503, answer.errors);
  return reply.code(307).header('location', answer.location).header('cache-control', 'no-store').send();
}
