/**
 * The system under test, in its own process (on 2 cores the load generator must not
 * share its event loop): a 3-node cluster on the chosen storage and AEAD engine, with
 * the active's read cache on or off and level's fsync on or off, the key spaces its cases
 * touch preloaded, and a bare fastify route as the ceiling; every node's API and the bare route in
 * plain HTTP, or all over TLS from a CA of its own (bench-tls.ts). It answers the parent over IPC
 * with its addresses and, on request, its CPU time and its read cache's hits and misses.
 * It reports a failure to start (a busy port, a preload that failed) as a message, and ends
 * when its parent does: a bench that is gone must not leave servers behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { ReadCacheStats } from '../src/crypto/index.ts';
import type { Cluster } from '../src/lab/index.ts';
import { settledActive, startSettled } from './active-node.ts';
import { makeBenchTls, type BenchTls } from './bench-tls.ts';
import type { KeySpace } from './key-spaces.ts';
import { baselinePort } from './port-base.ts';
import { preload } from './preload.ts';

/** What the server tells the parent once it is up: origins (scheme, host, port), the root token, and over TLS the CA to trust. */
export interface ServerReady {
  type: 'ready';
  baseline: string;
  active: string;
  standby: string;
  token: string;
  /** The CA certificate (PEM) the API's certificates chain to, when the API is served over TLS. */
  ca?: string;
}

/** What the server answers to `{ type: 'stats' }`. */
export interface ServerStats {
  type: 'stats';
  cpu: NodeJS.CpuUsage;
  /** Summed over the nodes: only the active's cache is ever on, and the sum survives a change of active. */
  cache: ReadCacheStats;
}

const storage = (process.env.BENCH_STORAGE ?? 'memory') as 'memory' | 'level';
const aead = (process.env.BENCH_AEAD ?? 'node') as 'node' | 'noble';
const readCache = process.env.BENCH_READ_CACHE !== 'off';
const sync = process.env.BENCH_SYNC === 'on';
const basePort = Number(process.env.BENCH_PORT_BASE ?? 0);
const spaces = JSON.parse(process.env.BENCH_PRELOAD ?? '[]') as KeySpace[];
const apiTls = process.env.BENCH_API_TLS === 'on';
const NODES = 3;
const dir = storage === 'level' ? mkdtempSync(join(tmpdir(), 'vaultlab-bench-')) : undefined;
let tls: BenchTls | undefined;

/** Ends now, with the level directory and the TLS material removed: no await, so it also runs from a signal or a lost parent. */
function end(code: number): never {
  for (const d of [dir, tls?.dir]) if (d) rmSync(d, { recursive: true, force: true });
  process.exit(code);
}
process.on('disconnect', () => end(0));
process.on('SIGTERM', () => end(143));
process.on('SIGINT', () => end(130));

async function start(): Promise<{ cluster: Cluster; ready: ServerReady }> {
  if (apiTls) tls = await makeBenchTls(Array.from({ length: NODES }, (_, i) => `node${i + 1}`));
  const { cluster, rootToken } = await startSettled({ nodes: NODES, storage, dir, basePort, aead, readCache, sync, apiTls: tls?.nodes });
  await preload(cluster, rootToken, spaces);
  // The preload may have outlived an active (a starved machine): the one to measure is the one now.
  const active = await settledActive(cluster);
  const standby = cluster.nodes.find((n) => n.node.state === 'standby')!;
  // The ceiling pays what the nodes pay: TLS when their API has it.
  const baseline = Fastify({ https: tls ? { cert: tls.baseline.cert, key: tls.baseline.key } : null });
  baseline.get('/hello', async () => ({ hello: 'world' }));
  await baseline.listen({ host: '127.0.0.1', port: baselinePort(basePort) });
  const { port } = baseline.server.address() as { port: number };
  const origin = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    cluster,
    ready: { type: 'ready', baseline: origin, active: active.apiAddr, standby: standby.apiAddr, token: rootToken, ca: tls?.ca },
  };
}

try {
  const { cluster, ready } = await start();
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') {
      const cache = cluster.nodes
        .map((n) => n.node.readCacheStats())
        .reduce((a, b) => ({ hits: a.hits + b.hits, misses: a.misses + b.misses }), { hits: 0, misses: 0 });
      process.send!({ type: 'stats', cpu: process.cpuUsage(), cache } satisfies ServerStats);
    }
    if (m.type === 'stop') end(0);
  });
  process.send!(ready);
} catch (e) {
  process.send!({ type: 'failed', message: e instanceof Error ? e.message : String(e) }, () => end(1));
}
