/**
 * Requests to a lab's control endpoint as any client could send them, forged headers
 * included (node:http lets a test set Host, which fetch forbids), and a digest of what the
 * control plane can change, so a refused request can be shown to have changed nothing.
 */
import { request } from 'node:http';
import type { Cluster } from '../../src/lab/index.ts';

/** One answer from the control endpoint. */
export interface ControlAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** Sends one request to 127.0.0.1:port with exactly the given headers (Host defaults to 127.0.0.1:port). */
export function controlRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // Not JSON: kept as text for the assertion to show.
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    // A server that refuses early may reset while a large body is still going out; the answer already came.
    req.on('error', reject);
    req.end(body);
  });
}

/** Everything a control request could change, as one comparable string. */
export function labDigest(cluster: Cluster): string {
  return JSON.stringify({
    active: cluster.active()?.name ?? null,
    nodes: cluster.nodes.map((n) => ({
      name: n.name,
      state: n.node.state,
      term: n.node.term,
      up: n.up,
      storagePartitioned: n.storage.partitioned,
      peersPartitioned: n.forwarder.blocked,
      paused: n.node.paused,
    })),
    storageFaults: {
      latencyMs: cluster.storageFaults.latencyMs,
      jitter: cluster.storageFaults.jitter,
      errorRate: cluster.storageFaults.errorRate,
    },
    timeline: cluster.timeline.events.length,
  });
}
