/**
 * Real-time drills send their client requests over HTTP to the nodes' listeners, as a
 * real client would: standbys forward to the active, errors come back in Vault's shape.
 * The answer is turned back into the shape the in-process path returns, so the drill
 * records both the same way.
 */
import { Pool } from 'undici';
import type { Cluster } from '../lab/index.ts';
import type { LogicalRequest, Served } from '../node/index.ts';

/** Sends logical requests to lab nodes over their HTTP listeners. */
export class HttpTransport {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly cluster: Cluster) {}

  /** One request; resolves like `node.handle` (throws on a 4xx/5xx answer). */
  async send(node: string, req: LogicalRequest): Promise<Served> {
    let pool = this.pools.get(node);
    if (!pool) {
      pool = new Pool(this.cluster.get(node).apiAddr, { connections: 4 });
      this.pools.set(node, pool);
    }
    const write = req.operation === 'update';
    const res = await pool.request({
      method: write ? 'POST' : 'GET',
      path: `/v1/${req.path}`,
      headers: { 'x-vault-token': req.token ?? '', 'content-type': 'application/json' },
      body: write ? JSON.stringify(req.data) : undefined,
      headersTimeout: 5000,
      bodyTimeout: 5000,
    });
    const text = await res.body.text();
    const body = text ? (JSON.parse(text) as { data?: Record<string, unknown>; errors?: string[] }) : {};
    if (res.statusCode === 404 && !write) return { response: undefined, mountType: 'kv' };
    // Anything but a 2xx is a failed request for this client (it does not follow a standby's 307 fallback).
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`HTTP ${res.statusCode}: ${(body.errors ?? []).join('; ')}`);
    return { response: { data: body.data ?? null }, mountType: 'kv' };
  }

  /** Closes every connection pool. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}
