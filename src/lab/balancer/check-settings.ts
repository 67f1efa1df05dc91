/**
 * How a balancer in front of the lab decides which nodes take traffic, in HAProxy's words:
 * every `inter` it sends `GET /v1/sys/health` to each node on a fresh connection; `fall`
 * failures in a row take a node out, `rise` passes in a row put it back. The defaults are
 * HAProxy's own (inter 2 s, fall 3, rise 2), which Vault's load-balancer guides keep.
 * `active` passes only the node that answers 200 (the active); `standby-ok` asks with
 * `?standbyok=true`, so standbys answer 200 too, take requests and forward them.
 */

/** Which nodes a balancer sends traffic to. */
export type BalancerMode = 'active' | 'standby-ok';

/** Which balancer runs: the lab's own, or Debian's HAProxy with the config the lab writes. */
export type BalancerKind = 'builtin' | 'haproxy';

/** The health check's knobs (HAProxy's `inter`, `fall`, `rise` and `timeout check`). */
export interface BalancerCheck {
  interMs: number;
  fall: number;
  rise: number;
  /** How long one check may take, connect included (HAProxy: `timeout check`, else `inter`). */
  timeoutMs: number;
}

/** HAProxy's defaults. */
export const DEFAULT_CHECK: BalancerCheck = { interMs: 2000, fall: 3, rise: 2, timeoutMs: 2000 };

/**
 * A check from the knobs given and HAProxy's defaults for the rest. HAProxy times a check out
 * at `inter` unless `timeout check` says otherwise; the lab keeps the default's 2 s as a floor,
 * so a short `inter` on a loaded machine does not turn a slow answer into a failed check.
 */
export function balancerCheck(knobs: { interMs?: number; fall?: number; rise?: number }): BalancerCheck {
  const interMs = knobs.interMs ?? DEFAULT_CHECK.interMs;
  const { fall = DEFAULT_CHECK.fall, rise = DEFAULT_CHECK.rise } = knobs;
  return { interMs, fall, rise, timeoutMs: Math.max(interMs, DEFAULT_CHECK.timeoutMs) };
}

/** The check's knobs in HAProxy's words: "inter 2s fall 3 rise 2". */
export function describeCheck(c: BalancerCheck): string {
  const inter = c.interMs % 1000 === 0 ? `${c.interMs / 1000}s` : `${c.interMs}ms`;
  return `inter ${inter} fall ${c.fall} rise ${c.rise}`;
}

/** The path the check asks for: sys/health, with `standbyok=true` when standbys may take traffic. */
export function healthPath(mode: BalancerMode): string {
  return mode === 'standby-ok' ? '/v1/sys/health?standbyok=true' : '/v1/sys/health';
}

/** The one answer that passes a check: HAProxy's `http-check expect status 200`. */
export const PASSING_STATUS = 200;

/** HAProxy's `retries` default: connection attempts to a server after the first is refused. */
export const CONNECT_RETRIES = 3;

/** HAProxy's turn-around before each retry, min(`timeout connect`, 1 s): a restarting server is not hammered. */
export const RETRY_TURNAROUND_MS = 1000;
