/**
 * A drill client: KV v2 writes (each with a value no other write uses, so a read names
 * its writer) and reads, recorded into the history with the node and term they went to.
 * How a request ended decides what the checker may assume: `fail` only when the request
 * certainly did not take effect (refused at the gate, or a write storage refused), `info`
 * when it may have (a timeout, a reset connection, a 500 after forwarding), as in Knossos.
 */
import { NO_ACTIVE_TO_FORWARD_TO } from '../api/index.ts';
import type { Clock } from '../clock/index.ts';
import { CryptoError, type CryptoErrorCode } from '../crypto/index.ts';
import type { LabNode } from '../lab/index.ts';
import { VaultError, type ErrorCode, type LogicalRequest } from '../node/index.ts';
import { StorageError, type StorageErrorCode } from '../storage/index.ts';
import { landThroughBalancer } from './balancer-route.ts';
import type { Answer, ClientEnv, ClientTally } from './client-env.ts';
import { BALANCER_TARGET, type HttpAnswer } from './http-transport.ts';
import { answerOf, askInProcess, overClientLink, untilAwake } from './in-process-route.ts';
import { connectionRefused, followOnce, isRedirect, type ClientView } from './redirect-route.ts';
import { between } from './rng.ts';

export type { Answer, ClientEnv, ClientTally } from './client-env.ts';

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

/**
 * One request of a client to `target` (none: to the balancer in front), as its route sends it;
 * rejects when no answer came (in-process: the node's error).
 */
export async function sendRequest(
  env: ClientEnv,
  target: LabNode | undefined,
  req: LogicalRequest,
  put: boolean,
  view: ClientView,
): Promise<Answer> {
  if (!target) return sendViaBalancer(env, req, put, view);
  if (env.route === 'redirect') return sendRedirecting(env, target, req, put, view);
  if (env.transport) return outcomeOfStatus(put, await env.transport.send(target.name, req));
  return overClientLink(env, target, async () => {
    await untilAwake(env, target);
    return answerOf(put, await target.node.handle(req));
  });
}

/**
 * A request through the lab's balancer: to its address over HTTP, or in virtual time where the
 * balancer sends the connection. With redirect routing the client follows a 307 once, which
 * leads back to the balancer itself when every node advertises it (the redirect loop).
 */
async function sendViaBalancer(env: ClientEnv, req: LogicalRequest, put: boolean, view: ClientView): Promise<Answer> {
  const lb = env.cluster.balancer!;
  const redirecting = env.route === 'redirect';
  if (env.transport)
    return redirecting
      ? outcomeAfterFollow(put, await env.transport.sendFollowing(BALANCER_TARGET, req, view))
      : outcomeOfStatus(put, await env.transport.send(BALANCER_TARGET, req));
  const land = () => landThroughBalancer(env, lb.socketless!, req, put, redirecting);
  if (!redirecting) return land();
  const atBalancer = (location: string) => location.startsWith(`${lb.url}/`);
  const a = await followOnce<Answer & { location?: string }>(
    env.cluster,
    view,
    land,
    (location, to) => (atBalancer(location) ? land() : to ? askInProcess(env, to, req, put) : Promise.reject(connectionRefused(location))),
    lb.url,
  );
  return outcomeAfterFollow(put, a);
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
        target.apiAddr,
      );
  return outcomeAfterFollow(put, a);
}

/** The outcome of a redirecting client's last answer: a second redirect did nothing (the client follows one). */
export function outcomeAfterFollow(put: boolean, a: (Answer | HttpAnswer) & { location?: string }): Answer {
  if (isRedirect(a))
    return { outcome: 'fail', status: a.status, error: `redirected again to ${a.location}: a client follows one redirect` };
  return 'outcome' in a ? a : outcomeOfStatus(put, a);
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
    // Behind a balancer the client dials the balancer: it never knows which node answers.
    const target = env.cluster.balancer ? undefined : pickTarget(env);
    const put = env.rnd() < 0.7;
    const value = put ? `c${id}-${n}` : undefined;
    const op = history.invoke({
      t: clock.now(),
      client: id,
      node: target?.name ?? BALANCER_TARGET,
      term: target?.node.term ?? 0,
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
