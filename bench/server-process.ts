/**
 * The system under test, in its own process (on 2 cores the load generator must not
 * share its event loop): a 3-node cluster on the chosen storage and AEAD engine, with
 * the active's read cache on or off and level's fsync on or off, the key spaces its cases
 * touch preloaded, and a bare fastify route as the ceiling. It answers the parent over IPC
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
import type { KeySpace } from './key-spaces.ts';
import { baselinePort } from './port-base.ts';
import { preload } from './preload.ts';

/** What the server tells the parent once it is up: origins (scheme, host, port) and the root token. */
export interface ServerReady {
  type: 'ready';
  baseline: string;
  active: string;
  standby: string;
  token: string;
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
const dir = storage === 'level' ? mkdtempSync(join(tmpdir(), 'vaultlab-bench-')) : undefined;

/** Ends now, with the level directory removed: no await, so it also runs from a signal or a lost parent. */
function end(code: number): never {
  if (dir) rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}
process.on('disconnect', () => end(0));
process.on('SIGTERM', () => end(143));
process.on('SIGINT', () => end(130));

async function start(): Promise<{ cluster: Cluster; ready: ServerReady }> {
  const { cluster, rootToken } = await startSettled({ nodes: 3, storage, dir, basePort, aead, readCache, sync });
  await preload(cluster, rootToken, spaces);
  // The preload may have outlived an active (a starved machine): the one to measure is the one now.
  const active = await settledActive(cluster);
  const standby = cluster.nodes.find((n) => n.node.state === 'standby')!;
  const baseline = Fastify();
  baseline.get('/hello', async () => ({ hello: 'world' }));
  await baseline.listen({ host: '127.0.0.1', port: baselinePort(basePort) });
  const { port } = baseline.server.address() as { port: number };
  return {
    cluster,
    ready: { type: 'ready', baseline: `http://127.0.0.1:${port}`, active: active.apiAddr, standby: standby.apiAddr, token: rootToken },
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
