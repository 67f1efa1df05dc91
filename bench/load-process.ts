/**
 * The load generator, in its own process. Two tools: autocannon for throughput (its
 * latency histogram only resolves 1 ms), and a closed-loop undici client timing each
 * request with performance.now() for µs latency, optionally following one 307 (both
 * round trips counted), as a redirect-aware client does.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { AUTOCANNON_RESOLUTION_MS, type Latency } from './latency.ts';

/** One measurement to take. */
export interface LoadJob {
  tool: 'autocannon' | 'micro';
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** A body template: `{i}` is replaced by a counter so writes spread over keys. */
  body?: string;
  connections: number;
  durationSec: number;
  followRedirect: boolean;
}

/** What a measurement found. */
export interface LoadResult {
  requests: number;
  reqPerSec: number;
  latency: Latency;
  errors: number;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
}

async function micro(job: LoadJob): Promise<LoadResult> {
  const base: Dispatcher = new Agent({ connections: job.connections, pipelining: 1 });
  const dispatcher = job.followRedirect ? base.compose(interceptors.redirect({ maxRedirections: 1 })) : base;
  const samples: number[] = [];
  let errors = 0;
  let counter = 0;
  const end = performance.now() + job.durationSec * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const body = job.body?.replace('{i}', String(counter++ % 1000));
      const t0 = performance.now();
      try {
        const res = await request(job.url, { method: job.method, headers: job.headers, body, dispatcher });
        await res.body.dump();
        if (res.statusCode >= 400) errors++;
      } catch {
        errors++;
      }
      samples.push((performance.now() - t0) * 1000);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: job.connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await dispatcher.close();
  const sorted = Float64Array.from(samples).sort();
  return {
    requests: samples.length,
    reqPerSec: samples.length / elapsed,
    latency: { unit: 'µs', p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) },
    errors,
  };
}

async function cannon(job: LoadJob): Promise<LoadResult> {
  let i = 0;
  const r = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationSec,
    requests: [
      {
        method: job.method,
        headers: job.headers,
        setupRequest: (req: Record<string, unknown>) => (job.body ? { ...req, body: job.body.replace('{i}', String(i++ % 1000)) } : req),
      },
    ],
  });
  return {
    requests: r.requests.total,
    reqPerSec: r.requests.total / job.durationSec,
    latency: { unit: 'ms', resolution_ms: AUTOCANNON_RESOLUTION_MS, p50: r.latency.p50, p99: r.latency.p99 },
    errors: r.errors + r.non2xx,
  };
}

process.on('message', (job: LoadJob) => {
  void (job.tool === 'micro' ? micro(job) : cannon(job)).then((result) => process.send!({ type: 'result', result }));
});
process.send!({ type: 'ready' });
