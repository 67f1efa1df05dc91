/**
 * The µs client: closed-loop workers on one undici Agent, timing each request with
 * performance.now(), optionally following one 307 (both round trips counted) as a
 * redirect-aware client does. The Agent keeps a pool of open connections per origin, so a
 * followed 307 goes out on a pooled connection to the Location's origin, not a new one: over
 * TLS each connection pays its handshake once, and the result counts the connections opened.
 */
import { performance } from 'node:perf_hooks';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { keyPicker, pathWithKey } from './key-picker.ts';
import type { LoadJob, LoadResult } from './load-process.ts';
import { measuredRate } from './rate.ts';

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
}

/** An Agent for `job` (trusting its CA), and a count of the connections it opens per origin. */
function pooledAgent(job: LoadJob): { agent: Agent; opened: Record<string, number> } {
  // undici's pipelining 0 is no keep-alive: each request opens (and, over TLS, handshakes) a connection of its own.
  const agent = new Agent({
    connections: job.connections,
    pipelining: job.newConnections ? 0 : 1,
    connect: job.ca ? { ca: job.ca } : undefined,
  });
  const opened: Record<string, number> = {};
  agent.on('connect', (origin) => {
    const key = String(origin);
    opened[key] = (opened[key] ?? 0) + 1;
  });
  return { agent, opened };
}

/** Runs `job` for its duration and reports its rate, µs latencies, errors and connections opened. */
export async function micro(job: LoadJob): Promise<LoadResult> {
  const { agent, opened } = pooledAgent(job);
  const dispatcher: Dispatcher = job.followRedirect ? agent.compose(interceptors.redirect({ maxRedirections: 1 })) : agent;
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
  await agent.close();
  const sorted = Float64Array.from(samples).sort();
  return {
    requests: samples.length,
    reqPerSec: measuredRate({ requests: samples.length, startMs, finishMs }),
    seconds: (finishMs - startMs) / 1000,
    latency: { unit: 'µs', p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) },
    errors,
    connectionsOpened: opened,
  };
}
