/**
 * The system under test, in its own process (on 2 cores the load generator must not
 * share its event loop): a 3-node cluster on the chosen storage and AEAD engine, with
 * the active's read cache on or off and level's fsync on or off, 1,000
 * preloaded 512-byte secrets, and a bare fastify route as the ceiling. It answers the
 * parent over IPC with its addresses and, on request, its CPU time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { Cluster } from '../src/lab/index.ts';
import { onActive, settledActive } from './active-node.ts';

/** What the server tells the parent once it is up. */
export interface ServerReady {
  type: 'ready';
  baseline: string;
  active: string;
  standby: string;
  token: string;
}

const storage = (process.env.BENCH_STORAGE ?? 'memory') as 'memory' | 'level';
const aead = (process.env.BENCH_AEAD ?? 'node') as 'node' | 'noble';
const dir = storage === 'level' ? mkdtempSync(join(tmpdir(), 'vaultlab-bench-')) : undefined;

const readCache = process.env.BENCH_READ_CACHE !== 'off';
const sync = process.env.BENCH_SYNC === 'on';
const cluster = await Cluster.start({ nodes: 3, storage, dir, basePort: 0, aead, readCache, sync });
const init = await cluster.init(1, 1);
await cluster.unsealAll(init.keys);
const value = 'x'.repeat(480);
for (let i = 0; i < 1000; i++)
  await onActive(cluster, (a) =>
    a.node.handle({ operation: 'update', path: `secret/data/k${i}`, data: { data: { value, i } }, token: init.rootToken }),
  );
const active = await settledActive(cluster);
const standby = cluster.nodes.find((n) => n.node.state === 'standby')!;

const baseline = Fastify();
baseline.get('/hello', async () => ({ hello: 'world' }));
await baseline.listen({ host: '127.0.0.1', port: 0 });
const addr = baseline.server.address() as { port: number };

process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu') process.send!({ type: 'cpu', usage: process.cpuUsage() });
  if (m.type === 'stop') {
    void (async () => {
      await baseline.close();
      await cluster.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    })();
  }
});
const ready: ServerReady = {
  type: 'ready',
  baseline: `http://127.0.0.1:${addr.port}/hello`,
  active: active.apiAddr,
  standby: standby.apiAddr,
  token: init.rootToken,
};
process.send!(ready);
