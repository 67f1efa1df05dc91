/**
 * The load generator, in its own process. Two tools: autocannon for throughput (its
 * latency histogram only resolves 1 ms), and the µs client (micro-client.ts). Both put a
 * key drawn from the job's distribution into each request's path, both keep their
 * connections open from request to request, and both divide by the time they measured.
 */
import autocannon from 'autocannon';
import { keyPicker, pathWithKey, type KeyChoice } from './key-picker.ts';
import { AUTOCANNON_RESOLUTION_MS, type Latency } from './latency.ts';
import { micro } from './micro-client.ts';
import { autocannonCounted, measuredRate } from './rate.ts';

/** One measurement to take. */
export interface LoadJob {
  tool: 'autocannon' | 'micro';
  /** Scheme, host and port: `http://127.0.0.1:8200`. */
  origin: string;
  /** The request path; `{key}` in it becomes a key number drawn from `keys` for each request. */
  path: string;
  keys?: KeyChoice;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationSec: number;
  followRedirect: boolean;
  /** µs client only: a new connection for every request (no keep-alive), as a client without a pool makes. */
  newConnections?: boolean;
  /** The CA certificate (PEM) to trust when the origin is https. */
  ca?: string;
}

/** What a measurement found. */
export interface LoadResult {
  requests: number;
  /** Requests over the seconds the client measured (not the seconds it was asked for). */
  reqPerSec: number;
  seconds: number;
  latency: Latency;
  errors: number;
  /** Connections the µs client opened (so TLS handshakes when https), by origin; autocannon does not say. */
  connectionsOpened?: Record<string, number>;
}

async function cannon(job: LoadJob): Promise<LoadResult> {
  const next = job.keys ? keyPicker(job.keys) : undefined;
  const r = await autocannon({
    url: job.origin,
    connections: job.connections,
    duration: job.durationSec,
    // autocannon 9 connects with rejectUnauthorized: false whatever it is given, so it is handed the CA
    // but does not check the chain: the handshake is the same, less one signature check per connection.
    ...(job.ca ? { tlsOptions: { ca: job.ca } } : {}),
    requests: [
      {
        method: job.method,
        headers: job.headers,
        body: job.body,
        setupRequest: (req: Record<string, unknown>) => ({ ...req, path: pathWithKey(job.path, next) }),
      },
    ],
  });
  const counted = autocannonCounted(r);
  return {
    requests: r.requests.total,
    reqPerSec: measuredRate(counted),
    seconds: (counted.finishMs - counted.startMs) / 1000,
    latency: { unit: 'ms', resolution_ms: AUTOCANNON_RESOLUTION_MS, p50: r.latency.p50, p99: r.latency.p99 },
    errors: r.errors + r.non2xx,
  };
}

process.on('message', (job: LoadJob) => {
  void (job.tool === 'micro' ? micro(job) : cannon(job)).then((result) => process.send!({ type: 'result', result }));
});
// The bench that forked this process is gone (ended, killed, crashed): nothing is left to measure for.
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' });
