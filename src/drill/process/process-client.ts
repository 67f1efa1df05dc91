/**
 * A drill client against node processes: KV v2 writes (each value unique, so a read names its
 * writer) and reads over HTTP to any node that runs (a standby forwards), recorded into the
 * history as the in-process client records them, with the same rules for what an answer means
 * (drill-client.ts): `fail` only when nothing can have been written, `info` when it may have.
 */
import { Agent, request } from 'undici';
import { outcomeOfError, outcomeOfStatus, type Answer, type ClientTally } from '../drill-client.ts';
import type { History } from '../history.ts';
import type { HttpAnswer } from '../http-transport.ts';
import { between } from '../rng.ts';

/** What one process drill's clients share. */
export interface ProcessClientEnv {
  history: History;
  token: string;
  /** The nodes a client may ask now (those whose process runs). */
  targets(): Array<{ name: string; apiAddr: string }>;
  rnd: () => number;
  keys: number;
  thinkMs: [number, number];
  timeoutMs: number;
  agent: Agent;
}

async function send(env: ProcessClientEnv, apiAddr: string, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<HttpAnswer> {
  const res = await request(`${apiAddr}/v1/${path}`, {
    method,
    headers: { 'x-vault-token': env.token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: env.agent,
    headersTimeout: env.timeoutMs,
    bodyTimeout: env.timeoutMs,
  });
  const text = await res.body.text();
  const parsed = text ? (JSON.parse(text) as { data?: Record<string, unknown>; errors?: string[] }) : {};
  return { status: res.statusCode, data: parsed.data, errors: parsed.errors };
}

/** Runs client `id` until `until` (wall ms), recording every request. */
export async function runProcessClient(env: ProcessClientEnv, id: number, until: number, tally: ClientTally): Promise<void> {
  for (let n = 0; Date.now() < until; n++) {
    const targets = env.targets();
    const key = `k${between(env.rnd, 0, env.keys - 1)}`;
    const target = targets[between(env.rnd, 0, Math.max(0, targets.length - 1))];
    const put = env.rnd() < 0.7;
    const value = put ? `c${id}-${n}` : undefined;
    const op = env.history.invoke({ t: Date.now(), client: id, node: target?.name ?? '-', term: 0, type: put ? 'put' : 'get', key, value });
    let a: Answer;
    try {
      if (!target) throw Object.assign(new Error('no node process runs'), { code: 'ECONNREFUSED' });
      const answer = put
        ? await send(env, target.apiAddr, 'PUT', `secret/data/${key}`, { data: { v: value } })
        : await send(env, target.apiAddr, 'GET', `secret/data/${key}`);
      a = outcomeOfStatus(put, answer);
    } catch (err) {
      a = outcomeOfError(err);
    }
    env.history.complete({ t: Date.now(), kind: a.outcome, op, value: a.value, version: a.version, status: a.status, error: a.error });
    if (a.outcome === 'ok') tally.ok++;
    else if (a.outcome === 'fail') tally.failed++;
    else tally.unknown++;
    await new Promise((r) => setTimeout(r, between(env.rnd, env.thinkMs[0], env.thinkMs[1])));
  }
}
