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
import type { Cluster, LabNetwork, LabNode } from '../lab/index.ts';
import { VaultError, type ErrorCode, type LogicalRequest } from '../node/index.ts';
import { StorageError, type StorageErrorCode } from '../storage/index.ts';
import type { History, Outcome } from './history.ts';
import type { HttpAnswer, HttpTransport } from './http-transport.ts';
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
  /** Set in real time: requests go over HTTP to any node (standbys forward). */
  transport?: HttpTransport;
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
  // In-process there is no forwarding, so clients go where a load balancer polling sys/health would send them.
  const actives = env.transport ? [] : nodes.filter((n) => n.node.state === 'active');
  const pool = actives.length ? actives : nodes;
  return pool[between(env.rnd, 0, pool.length - 1)];
}

async function send(env: ClientEnv, target: LabNode, req: LogicalRequest, put: boolean): Promise<Answer> {
  if (env.transport) return outcomeOfStatus(put, await env.transport.send(target.name, req));
  // A request to a paused node is taken as admitted just before the pause while its lease still
  // runs (it then freezes mid-request, the Jepsen zombie); later ones wait in the socket until it wakes.
  // Without a topology there is no link, and not even a tick is spent on one (seeded drills replay as they always have).
  const network = env.cluster.network;
  if (network) await crossClientLink(network, env.clock, target.name);
  const wake = env.wakeOf?.(target.name);
  if (wake && !target.node.ha?.holdsLease()) await wake;
  const handled = target.node.handle(req);
  // The answer, or the error, travels back over the same link.
  const r = await (network ? handled.finally(() => crossClientLink(network, env.clock, target.name)) : handled);
  const d = r.response?.data as { version?: number; data?: { v?: string } | null; metadata?: { version?: number } } | undefined;
  return put ? { outcome: 'ok', version: d?.version } : { outcome: 'ok', value: d?.data?.v ?? null, version: d?.metadata?.version ?? 0 };
}

/**
 * One crossing of the clients' link to `node`: a fresh draw of the link's one-way delay on the drill's clock. While the link is partitioned
 * the bytes never arrive, so the crossing never ends and the client's timeout tells, as a real
 * client's does.
 */
function crossClientLink(network: LabNetwork, clock: Clock, node: string): Promise<void> | undefined {
  const ms = network.clientCrossing(node);
  if (ms === undefined) return new Promise<void>(() => {});
  return ms > 0 ? clock.sleep(ms) : undefined;
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
    const call = send(env, target, req, put);
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
    history.complete({ t: clock.now(), kind: a.outcome, op, value: a.value, version: a.version, status: a.status, error: a.error });
    if (a.outcome === 'ok') tally.ok++;
    else if (a.outcome === 'fail') tally.failed++;
    else tally.unknown++;
    await clock.sleep(between(env.rnd, env.thinkMs[0], env.thinkMs[1]));
  }
}
