/**
 * A drill client behind the lab's balancer without sockets (virtual time): it asks the
 * balancer where its new connection lands and goes there in process. A connection no server
 * takes is closed at once; one to a server that refuses is tried again on the same server,
 * 3 times 1 s apart on the drill's clock, then closed, as HAProxy does. Either way the client
 * sees a closed connection: it cannot know whether anything was done (an unknown outcome).
 */
import { CONNECT_RETRIES, RETRY_TURNAROUND_MS, type HealthRotation } from '../lab/index.ts';
import type { LogicalRequest } from '../node/index.ts';
import type { Answer, ClientEnv } from './client-env.ts';
import { answerOf, askInProcess, forwardInProcess, overClientLink, untilAwake } from './in-process-route.ts';

/** What undici reports when the far end closes the connection before answering. */
export function connectionClosed(why: string): Error {
  return Object.assign(new Error(`other side closed: ${why}`), { code: 'UND_ERR_SOCKET' });
}

/**
 * One connection through the balancer and the request on it: the node's answer, a standby's
 * forward (or, asked not to forward, its redirect), or a closed connection.
 */
export async function landThroughBalancer(
  env: ClientEnv,
  balancer: HealthRotation,
  req: LogicalRequest,
  put: boolean,
  noForwarding: boolean,
): Promise<Answer & { location?: string }> {
  const picked = balancer.pick();
  if (!picked) throw connectionClosed("no node passes the balancer's health check");
  const n = env.cluster.get(picked.name);
  for (let retry = 0; !n.up; retry++) {
    if (retry === CONNECT_RETRIES) throw connectionClosed(`${n.name} refused ${CONNECT_RETRIES + 1} connection attempts`);
    await env.clock.sleep(RETRY_TURNAROUND_MS);
  }
  if (noForwarding) return askInProcess(env, n, req, put);
  return overClientLink(env, n, async () => {
    await untilAwake(env, n);
    return n.node.state === 'standby' ? forwardInProcess(env, n, req, put) : answerOf(put, await n.node.handle(req));
  });
}
