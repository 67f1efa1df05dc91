/**
 * What a standby does with a request for the active: forward it to the active's cluster
 * address (the default), or tell the client to go there itself with a 307 to the active's
 * api_addr when the request carries X-Vault-No-Request-Forwarding. This room knows leaders
 * and requests; the channel that carries a forward (src/net's, over the cluster port) is
 * given to the standby by the composition root.
 */
import type { Readable } from 'node:stream';
import type { LeaderInfo } from './leadership.ts';

/** A request as it reached the standby. */
export interface ForwardRequest {
  method: string;
  /** Path and query exactly as received (`/v1/secret/data/x?version=2`). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
  /** The client's IP address as the standby saw it: the active binds logins to the client, not to the standby. */
  ip?: string;
}

/** The active's answer, to be copied back verbatim: a whole body, or one still arriving. */
export interface ForwardResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | Readable;
}

/** A standby's way to the active. */
export interface Forwarder {
  /** The lab's partition from peers: every forward fails as if the network dropped it. */
  blocked: boolean;
  /** Sends the request to `leader` and returns its answer; rejects when the active cannot be reached or went away. */
  forward(leader: LeaderInfo, req: ForwardRequest): Promise<ForwardResponse>;
  /** Closes every connection. */
  close(): Promise<void>;
}

/** Hop-by-hop headers that must not cross a proxy (RFC 9110 §7.6.1), plus the ones each hop sets itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
]);

/** The headers of a request or response that cross a forward: all but the hop-by-hop ones. */
export function endToEndHeaders<T extends string | string[]>(headers: Record<string, T | undefined>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

/** True when the client asked for a redirect instead of forwarding (any non-empty value). */
export function wantsRedirect(headers: Record<string, string | string[] | undefined>): boolean {
  const v = headers['x-vault-no-request-forwarding'];
  return typeof v === 'string' ? v.length > 0 : Array.isArray(v) && v.some((x) => x.length > 0);
}

/** The Location of a 307: the active's api_addr (https when it names no scheme) plus the original path and query. */
export function redirectLocation(activeApiAddr: string, url: string): string {
  const base = /^[a-z]+:\/\//i.test(activeApiAddr) ? activeApiAddr : `https://${activeApiAddr}`;
  return base.replace(/\/+$/, '') + url;
}
