/**
 * The system under test for the scaling figures, in its own process: a cluster of BENCH_NODES
 * nodes on memory storage with 1,000 preloaded 512-byte secrets (k0…k999). It tells the parent
 * the active's and every standby's address, and on request its CPU time and its resident set
 * size: now, and the peak since the last request, sampled every 20 ms, because a peak under load
 * is what a machine must have room for.
 */
import { settledActive, startSettled } from '../active-node.ts';
import { preload } from '../preload.ts';
import { PRELOADED_KEYS } from './scaling-procs.ts';

/** What the server tells the parent once it is up. */
export interface ScalingReady {
  type: 'ready';
  active: string;
  standbys: string[];
  token: string;
}

/** An answer to `{ type: 'stats' }`. */
export interface ScalingStats {
  type: 'stats';
  cpuMicros: number;
  rss: number;
  /** The largest RSS sampled since the previous stats request (or start). */
  peakRss: number;
}

const nodes = Number(process.env.BENCH_NODES ?? 3);
const { cluster, rootToken } = await startSettled({ nodes, storage: 'memory', basePort: 0 });
await preload(cluster, rootToken, [{ prefix: 'k', count: PRELOADED_KEYS, bytes: 480 }]);
const active = await settledActive(cluster);

let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);

process.on('message', (m: { type: string }) => {
  if (m.type === 'stats') {
    const rss = process.memoryUsage.rss();
    const u = process.cpuUsage();
    const stats: ScalingStats = { type: 'stats', cpuMicros: u.user + u.system, rss, peakRss: Math.max(peakRss, rss) };
    peakRss = rss;
    process.send!(stats);
  }
  if (m.type === 'stop') {
    clearInterval(sampler);
    void cluster.close().then(() => process.exit(0));
  }
});
// The parent gone (killed, ended by a timeout) ends the cluster with it.
process.on('disconnect', () => process.exit(0));

const ready: ScalingReady = {
  type: 'ready',
  active: active.apiAddr,
  standbys: cluster.nodes.filter((n) => n !== active).map((n) => n.apiAddr),
  token: rootToken,
};
process.send!(ready);
