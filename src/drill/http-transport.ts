/**
 * Real-time drills send their client requests over HTTP to the nodes' listeners, as a
 * real client would: standbys forward to the active, errors come back in Vault's shape.
 * The transport reports the status as it came; deciding whether a failed request may
 * still have taken effect is the drill client's job (see drill-client.ts).
 */
import { Pool } from 'undici';
import type { Cluster } from '../lab/index.ts';
import type { LogicalRequest } from '../node/index.ts';

/** An HTTP answer: its status, its `data`, and its errors. */
export interface HttpAnswer {
  status: number;
  data?: Record<string, unknown>;
  errors?: string[];
}

/** Sends logical requests to lab nodes over their HTTP listeners. */
export class HttpTransport {
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly cluster: Cluster,
    /** Per-request limit of the HTTP client itself. */
    private readonly timeoutMs = 3000,
  ) {}

  /** One request; rejects only when no HTTP answer came (connection refused or reset, timeout). */
  async send(node: string, req: LogicalRequest): Promise<HttpAnswer> {
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
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const text = await res.body.text();
    const body = text ? (JSON.parse(text) as { data?: Record<string, unknown>; errors?: string[] }) : {};
    return { status: res.statusCode, data: body.data ?? undefined, errors: body.errors };
  }

  /** Closes every connection pool. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}
