/**
 * The load generator, in its own process. Two tools: autocannon for throughput (its
 * latency histogram only resolves 1 ms), and a closed-loop undici client timing each
 * request with performance.now() for µs latency, optionally following one 307 (both
 * round trips counted), as a redirect-aware client does. Both put a key drawn from the
 * job's distribution into each request's path, and both divide by the time they measured.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { keyPicker, pathWithKey, type KeyChoice } from './key-picker.ts';
import { AUTOCANNON_RESOLUTION_MS, type Latency } from './latency.ts';
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
}

/** What a measurement found. */
export interface LoadResult {
  requests: number;
  /** Requests over the seconds the client measured (not the seconds it was asked for). */
  reqPerSec: number;
  seconds: number;
  latency: Latency;
  errors: number;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
}

async function micro(job: LoadJob): Promise<LoadResult> {
  const base: Dispatcher = new Agent({ connections: job.connections, pipelining: 1 });
  const dispatcher = job.followRedirect ? base.compose(interceptors.redirect({ maxRedirections: 1 })) : base;
  const next = job.keys ? keyPicker(job.keys) : undefined;
  const samples: number[] = [];
  let errors = 0;
  const end = performance.now() + job.durationSec * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const url = job.origin + pathWithKey(job.path, next);
      const t0 = performance.now();
      try {
        const res = await request(url, { method: job.method, headers: job.headers, body: job.body, dispatcher });
        await res.body.dump();
        if (res.statusCode >= 400) errors++;
      } catch {
        errors++;
      }
      samples.push((performance.now() - t0) * 1000);
    }
  };
  const startMs = performance.now();
  await Promise.all(Array.from({ length: job.connections }, worker));
  const finishMs = performance.now();
  await dispatcher.close();
  const sorted = Float64Array.from(samples).sort();
  return {
    requests: samples.length,
    reqPerSec: measuredRate({ requests: samples.length, startMs, finishMs }),
    seconds: (finishMs - startMs) / 1000,
    latency: { unit: 'µs', p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) },
    errors,
  };
}

async function cannon(job: LoadJob): Promise<LoadResult> {
  const next = job.keys ? keyPicker(job.keys) : undefined;
  const r = await autocannon({
    url: job.origin,
    connections: job.connections,
    duration: job.durationSec,
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
