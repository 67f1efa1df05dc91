/**
 * A drill client: KV v2 writes (each with a value no other write uses, so a read names
 * its writer) and reads, recorded into the history with the node and term they went to.
 * How a request ended decides what the checker may assume: `fail` only when the request
 * certainly did not take effect (refused at the gate, or a write storage refused), `info`
 * when it may have (a timeout, a reset connection, a 500 after forwarding), as in Knossos.
 */
import { NO_ACTIVE_TO_FORWARD_TO, standbyRedirect } from '../api/index.ts';
import type { Clock } from '../clock/index.ts';
import { CryptoError, type CryptoErrorCode } from '../crypto/index.ts';
import type { Cluster, LabNetwork, LabNode } from '../lab/index.ts';
import { VaultError, type ErrorCode, type LogicalRequest } from '../node/index.ts';
import { StorageError, type StorageErrorCode } from '../storage/index.ts';
import type { ClientRoute } from './drill-spec.ts';
import type { History, Outcome } from './history.ts';
import type { HttpAnswer, HttpTransport } from './http-transport.ts';
import { connectionRefused, followOnce, isRedirect, type ClientView } from './redirect-route.ts';
import { between } from './rng.ts';

/**
 * Errors after which nothing was written: refused at the gate, a connection never made, or
 * a storage error (a failed KV v2 write never becomes visible: data first, metadata last).
 */
const NOTHING_WRITTEN: ReadonlySet<string> = new Set<ErrorCode | CryptoErrorCode | StorageErrorCode | 'ECONNREFUSED'>([
  'SEALED',
  'STANDBY',
  'BARRIER_SEALED',
  'PERMISSION_DENIED',
  'INVALID_REQUEST',
  'NO_ROUTE',
  'STORAGE_FENCED',
  'STORAGE_FAULT',
  'STORAGE_LOCK_LOST',
  'ECONNREFUSED',
]);

/** What the clients of one drill share. */
export interface ClientEnv {
  cluster: Cluster;
  clock: Clock;
  history: History;
  token: string;
  /** Set in real time: requests go over HTTP to any node (standbys forward, or redirect with the 'redirect' route). */
  transport?: HttpTransport;
  /** How the clients reach the active (default 'active'; see ClientRoute). */
  route?: ClientRoute;
  rnd: () => number;
  keys: number;
  thinkMs: [number, number];
  /** A client stops waiting after this and records the outcome as unknown. */
  timeoutMs: number;
  /** While a node is paused, when it wakes (its requests wait for that). */
  wakeOf?: (node: string) => Promise<void> | undefined;
}

/** Request counts by outcome. */
export interface ClientTally {
  ok: number;
  failed: number;
  unknown: number;
}

/** How one request ended, as the client records it. */
type Answer = { outcome: Outcome; value?: string | null; version?: number; status?: number | string; error?: string };

/** The code of a request that threw: in process a node's, the barrier's or storage's typed error. */
function codeOf(err: unknown): string | undefined {
  if (err instanceof VaultError || err instanceof CryptoError || err instanceof StorageError) return err.code;
  // Over HTTP, the transport's own: Node's (ECONNREFUSED) or undici's (UND_ERR_SOCKET).
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** The outcome of a request that threw (in-process) or got no HTTP answer. */
export function outcomeOfError(err: unknown): Answer {
  const code = codeOf(err);
  const outcome = code && NOTHING_WRITTEN.has(code) ? 'fail' : 'info';
  return { outcome, status: code, error: err instanceof Error ? err.message : undefined };
}

/**
 * The outcome of an HTTP answer: 4xx and 503 did nothing, nor did the 500 of a standby that
 * knew no active to forward to; a 307 or another 5xx may follow a forward that landed.
 */
export function outcomeOfStatus(put: boolean, a: HttpAnswer): Answer {
  const data = a.data as { version?: number; data?: { v?: string }; metadata?: { version?: number } } | undefined;
  if (a.status >= 200 && a.status < 300)
    return put
      ? { outcome: 'ok', version: data?.version, status: a.status }
      : { outcome: 'ok', value: data?.data?.v ?? null, version: data?.metadata?.version ?? 0, status: a.status };
  if (!put && a.status === 404 && !a.errors?.length) return { outcome: 'ok', value: null, version: 0, status: 404 };
  const definite =
    (a.status >= 400 && a.status < 500) ||
    a.status === 503 ||
    (a.status === 500 && a.errors?.length === 1 && a.errors[0] === NO_ACTIVE_TO_FORWARD_TO);
  return { outcome: definite ? 'fail' : 'info', status: a.status, error: a.errors?.join('; ') };
}

function pickTarget(env: ClientEnv): LabNode {
  const nodes = env.cluster.nodes;
  // In-process there is no forwarding, so clients go where a load balancer polling sys/health would send them;
  // redirecting clients ask any node and let standbys send them on.
  const direct = !env.transport && env.route !== 'redirect';
  const actives = direct ? nodes.filter((n) => n.node.state === 'active') : [];
  const pool = actives.length ? actives : nodes;
  return pool[between(env.rnd, 0, pool.length - 1)];
}

/** One request of a client to `target`, as its route sends it; rejects when no answer came (in-process: the node's error). */
export async function sendRequest(env: ClientEnv, target: LabNode, req: LogicalRequest, put: boolean, view: ClientView): Promise<Answer> {
  if (env.route === 'redirect') return sendRedirecting(env, target, req, put, view);
  if (env.transport) return outcomeOfStatus(put, await env.transport.send(target.name, req));
  return overClientLink(env, target, async () => {
    await untilAwake(env, target);
    return answerOf(put, await target.node.handle(req));
  });
}

/**
 * A request to a paused node is taken as admitted just before the pause while its lease still
 * runs (it then freezes mid-request, the Jepsen zombie); later ones wait in the socket until it wakes.
 */
async function untilAwake(env: ClientEnv, target: LabNode): Promise<void> {
  const wake = env.wakeOf?.(target.name);
  if (wake && !target.node.ha?.holdsLease()) await wake;
}

function answerOf(put: boolean, r: Awaited<ReturnType<LabNode['node']['handle']>>): Answer {
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
function overClientLink<T>(env: ClientEnv, target: LabNode, call: () => Promise<T>): Promise<T> {
  const network = env.cluster.network;
  if (!network) return call();
  const there = crossClientLink(network, env.clock, target.name) ?? Promise.resolve();
  return there.then(call).finally(() => crossClientLink(network, env.clock, target.name));
}

/** Redirect routing: ask `target` not to forward, follow its redirect once; a second redirect did nothing. */
async function sendRedirecting(env: ClientEnv, target: LabNode, req: LogicalRequest, put: boolean, view: ClientView): Promise<Answer> {
  const a = env.transport
    ? await env.transport.sendFollowing(target.name, req, view)
    : await followOnce<Answer & { location?: string }>(
        env.cluster,
        view,
        () => askInProcess(env, target, req, put),
        (location, to) => (to ? askInProcess(env, to, req, put) : Promise.reject(connectionRefused(location))),
      );
  return outcomeAfterFollow(put, a);
}

/** The outcome of a redirecting client's last answer: a second redirect did nothing (the client follows one). */
export function outcomeAfterFollow(put: boolean, a: (Answer | HttpAnswer) & { location?: string }): Answer {
  if (isRedirect(a))
    return { outcome: 'fail', status: a.status, error: `redirected again to ${a.location}: a client follows one redirect` };
  return 'outcome' in a ? a : outcomeOfStatus(put, a);
}

/**
 * What a node's HTTP listener would answer a client that asked not to be forwarded, without
 * sockets: nothing from a dead node (refused), a standby's own redirect or 503, and otherwise
 * the node's answer (a sealed node's refusal is thrown as in-process requests' are).
 */
function askInProcess(env: ClientEnv, n: LabNode, req: LogicalRequest, put: boolean): Promise<Answer & { location?: string }> {
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

/** Waits for `p` at most `ms` on the drill's clock; undefined when time ran out first. */
function within<T>(clock: Clock, p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => (clock.clearTimeout(timer), resolve(v)),
      (e) => (clock.clearTimeout(timer), reject(e)),
    );
  });
}

/** Runs client `id` until `until` (clock time), recording every request. */
export async function runClient(env: ClientEnv, id: number, until: number, tally: ClientTally): Promise<void> {
  const { clock, history } = env;
  for (let n = 0; clock.now() < until; n++) {
    const key = `k${between(env.rnd, 0, env.keys - 1)}`;
    const target = pickTarget(env);
    const put = env.rnd() < 0.7;
    const value = put ? `c${id}-${n}` : undefined;
    const op = history.invoke({
      t: clock.now(),
      client: id,
      node: target.name,
      term: target.node.term,
      type: put ? 'put' : 'get',
      key,
      value,
    });
    const req: LogicalRequest = put
      ? { operation: 'update', path: `secret/data/${key}`, data: { data: { v: value } }, token: env.token }
      : { operation: 'read', path: `secret/data/${key}`, data: {}, token: env.token };
    const view: ClientView = {};
    const call = sendRequest(env, target, req, put, view);
    call.catch(() => undefined); // a request we stopped waiting for may still fail later
    let a: Answer;
    try {
      a = (await within(clock, call, env.timeoutMs)) ?? {
        outcome: 'info',
        status: 'timeout',
        error: `no answer within ${env.timeoutMs} ms`,
      };
    } catch (err) {
      a = outcomeOfError(err);
    }
    const { redirect } = view;
    history.complete({
      t: clock.now(),
      kind: a.outcome,
      op,
      value: a.value,
      version: a.version,
      status: a.status,
      error: a.error,
      ...(redirect && { redirect: { ...redirect } }),
    });
    if (a.outcome === 'ok') tally.ok++;
    else if (a.outcome === 'fail') tally.failed++;
    else tally.unknown++;
    await clock.sleep(between(env.rnd, env.thinkMs[0], env.thinkMs[1]));
  }
}
