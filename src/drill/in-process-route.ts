/**
 * How a drill client reaches a node without sockets (virtual time): over the clients' link of
 * the topology, if any, to the node's own handler; a dead node refuses, a paused one holds the
 * request until it wakes, a standby asked not to forward answers with its own redirect, and a
 * standby that may forward hands the request to the active it knows, as the cluster port would.
 */
import { NO_ACTIVE_TO_FORWARD_TO, standbyRedirect } from '../api/index.ts';
import type { Clock } from '../clock/index.ts';
import type { LabNetwork, LabNode } from '../lab/index.ts';
import type { LogicalRequest } from '../node/index.ts';
import type { Answer, ClientEnv } from './client-env.ts';
import { connectionRefused } from './redirect-route.ts';

/**
 * A request to a paused node is taken as admitted just before the pause while its lease still
 * runs (it then freezes mid-request, the Jepsen zombie); later ones wait in the socket until it wakes.
 */
export async function untilAwake(env: ClientEnv, target: LabNode): Promise<void> {
  const wake = env.wakeOf?.(target.name);
  if (wake && !target.node.ha?.holdsLease()) await wake;
}

export function answerOf(put: boolean, r: Awaited<ReturnType<LabNode['node']['handle']>>): Answer {
  const d = r.response?.data as { version?: number; data?: { v?: string } | null; metadata?: { version?: number } } | undefined;
  return put ? { outcome: 'ok', version: d?.version } : { outcome: 'ok', value: d?.data?.v ?? null, version: d?.metadata?.version ?? 0 };
}

/**
 * One crossing of the clients' link to `node`: a fresh draw of the link's one-way delay on the
 * drill's clock. While the link is partitioned the bytes never arrive, so the crossing never
 * ends and the client's timeout tells, as a real client's does.
 */
function crossClientLink(network: LabNetwork, clock: Clock, node: string): Promise<void> | undefined {
  const ms = network.clientCrossing(node);
  if (ms === undefined) return new Promise<void>(() => {});
  return ms > 0 ? clock.sleep(ms) : undefined;
}

/**
 * An in-process request over the clients' link to `target`: one crossing there, the call, and one
 * back with its answer or its error. Without a topology there is no link, and not even a tick is
 * spent on one (seeded drills replay as they always have).
 */
export function overClientLink<T>(env: ClientEnv, target: LabNode, call: () => Promise<T>): Promise<T> {
  const network = env.cluster.network;
  if (!network) return call();
  const there = crossClientLink(network, env.clock, target.name) ?? Promise.resolve();
  return there.then(call).finally(() => crossClientLink(network, env.clock, target.name));
}

/**
 * What a node's HTTP listener would answer a client that asked not to be forwarded, without
 * sockets: nothing from a dead node (refused), a standby's own redirect or 503, and otherwise
 * the node's answer (a sealed node's refusal is thrown as in-process requests' are).
 */
export function askInProcess(env: ClientEnv, n: LabNode, req: LogicalRequest, put: boolean): Promise<Answer & { location?: string }> {
  return overClientLink(env, n, async () => {
    if (!n.up) throw connectionRefused(n.apiAddr);
    await untilAwake(env, n);
    if (n.node.state === 'standby') {
      const r = await standbyRedirect(n.node, `/v1/${req.path}`);
      if (r.status === 307) return { outcome: 'fail', status: 307, location: r.location };
      return { outcome: 'fail', status: r.status, error: r.errors.join('; ') };
    }
    return answerOf(put, await n.node.handle(req));
  });
}

/**
 * A standby's forward without sockets: the request goes to the node holding the lock entry the
 * standby knows, and its answer comes back. No entry: Vault's 500 (nothing done). A dead active
 * (its lease still running): the forward fails after it may have left, an unknown outcome.
 */
export async function forwardInProcess(env: ClientEnv, standby: LabNode, req: LogicalRequest, put: boolean): Promise<Answer> {
  const leader = standby.node.ha?.leader();
  const active = leader && env.cluster.nodes.find((n) => n !== standby && n.leadership.isOwnEntry(leader.holder));
  if (!active) return { outcome: 'fail', status: 500, error: NO_ACTIVE_TO_FORWARD_TO };
  if (!active.up) return { outcome: 'info', status: 500, error: `forwarding to ${active.name} failed: it is down` };
  await untilAwake(env, active);
  return answerOf(put, await active.node.handle(req));
}
