/**
 * Real-time drills send their client requests over HTTP to the nodes' listeners, as a
 * real client would: standbys forward to the active, errors come back in Vault's shape;
 * or, with redirect routing, the client asks standbys not to forward and follows their 307
 * itself (undici follows none on its own). The transport reports the status as it came;
 * deciding whether a failed request may still have taken effect is the drill client's job
 * (see drill-client.ts).
 */
import { Pool } from 'undici';
import type { Cluster } from '../lab/index.ts';
import type { LogicalRequest } from '../node/index.ts';
import { followOnce, type ClientView } from './redirect-route.ts';

/** An HTTP answer: its status, its `data`, its errors, and a redirect's Location. */
export interface HttpAnswer {
  status: number;
  data?: Record<string, unknown>;
  errors?: string[];
  location?: string;
}

/** The target that names the lab's load balancer instead of a node. */
export const BALANCER_TARGET = 'balancer';

/** Sends logical requests to lab nodes over their HTTP listeners, or to the balancer in front of them. */
export class HttpTransport {
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly cluster: Cluster,
    /** Per-request limit of the HTTP client itself. */
    private readonly timeoutMs = 3000,
  ) {}

  /** One request to a node (or BALANCER_TARGET); rejects only when no HTTP answer came (connection refused or reset, timeout). */
  send(node: string, req: LogicalRequest, o: { noForwarding?: boolean } = {}): Promise<HttpAnswer> {
    const url = new URL(`/v1/${req.path}`, this.addressOf(node));
    return this.request(url, req, o.noForwarding === true);
  }

  private addressOf(target: string): string {
    return target === BALANCER_TARGET ? this.cluster.balancer!.url : this.cluster.get(target).apiAddr;
  }

  /**
   * One request to a node that asks standbys not to forward (X-Vault-No-Request-Forwarding)
   * and follows one redirect to its Location, as Vault's Go client does; `view` records where it led.
   */
  sendFollowing(node: string, req: LogicalRequest, view: ClientView): Promise<HttpAnswer> {
    return followOnce(
      this.cluster,
      view,
      () => this.send(node, req, { noForwarding: true }),
      (location) => this.request(new URL(location), req, true),
      this.addressOf(node),
    );
  }

  private async request(url: URL, req: LogicalRequest, noForwarding: boolean): Promise<HttpAnswer> {
    let pool = this.pools.get(url.origin);
    if (!pool) {
      pool = new Pool(url.origin, { connections: 4 });
      this.pools.set(url.origin, pool);
    }
    const write = req.operation === 'update';
    const headers: Record<string, string> = { 'x-vault-token': req.token ?? '', 'content-type': 'application/json' };
    if (noForwarding) headers['x-vault-no-request-forwarding'] = 'true';
    const res = await pool.request({
      method: write ? 'POST' : 'GET',
      path: url.pathname + url.search,
      headers,
      body: write ? JSON.stringify(req.data) : undefined,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const text = await res.body.text();
    const body = text ? (JSON.parse(text) as { data?: Record<string, unknown>; errors?: string[] }) : {};
    const location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
    return { status: res.statusCode, data: body.data ?? undefined, errors: body.errors, ...(location !== undefined && { location }) };
  }

  /** Closes every connection pool. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}
