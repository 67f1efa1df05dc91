/**
 * What a standby does with a request for the active: forward it over keep-alive HTTP to
 * the active's cluster address (the default), or tell the client to go there itself
 * with a 307 to the active's api_addr when the request carries
 * X-Vault-No-Request-Forwarding. Knows leaders and requests, not nodes.
 */
import { Pool } from 'undici';

/** A request as it reached the standby. */
export interface ForwardRequest {
  method: string;
  /** Path and query exactly as received (`/v1/secret/data/x?version=2`). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
}

/** The active's answer, to be copied back verbatim. */
export interface ForwardResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Marks a request already forwarded once, so a node that lost leadership meanwhile never forwards it again. */
export const FORWARDED_HEADER = 'x-vaultlab-forwarded-from';

/** Hop-by-hop headers that must not cross a proxy (RFC 9110 §7.6.1), plus ones the pool sets itself. */
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

/** Forwards requests over one keep-alive pool per active address. */
export class Forwarder {
  private readonly pools = new Map<string, Pool>();
  /** The lab's partition from peers: every forward fails as if the network dropped it. */
  blocked = false;

  constructor(private readonly selfName: string) {}

  /** Sends the request to `target` (the active's cluster address) and returns its answer. */
  async forward(target: string, req: ForwardRequest): Promise<ForwardResponse> {
    if (this.blocked) throw new Error('active node unreachable (partitioned from peers)');
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    headers[FORWARDED_HEADER] = this.selfName;
    const res = await this.pool(target).request({
      method: req.method as 'GET',
      path: req.url,
      headers,
      body: req.body && req.body.length ? req.body : undefined,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
    return { status: res.statusCode, headers: out, body };
  }

  /** Closes every pool. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }

  private pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (!p) {
      p = new Pool(origin, { connections: 32, pipelining: 1, keepAliveTimeout: 30_000 });
      this.pools.set(origin, p);
    }
    return p;
  }
}
