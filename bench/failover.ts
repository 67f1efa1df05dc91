/**
 * Failover time in real time on the lab's fast profile: a client writes through a
 * standby in a tight loop; a fault hits the active; the failover is the time from the
 * fault until a write succeeds again. Counts the client errors seen in that window.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { LAB_TIMINGS } from '../src/ha/index.ts';
import { Cluster } from '../src/lab/index.ts';
import { settledActive } from './active-node.ts';

/** One failover measurement. */
export interface FailoverSample {
  kind: 'step-down' | 'seal' | 'kill';
  run: number;
  ms: number;
  clientErrors: number;
}

/** Runs `runs` failovers of each kind on a cluster at `basePort` (0: any free ports) and returns the samples. */
export async function runFailover(runs: number, onProgress: (line: string) => void, basePort = 0): Promise<FailoverSample[]> {
  // A short step-down back-off, so each run starts with every standby eligible (the lab's 2 s would bleed into the next run).
  const cluster = await Cluster.start({ nodes: 3, storage: 'memory', basePort, timings: { ...LAB_TIMINGS, stepDownBackoffMs: 300 } });
  const init = await cluster.init(1, 1);
  const samples: FailoverSample[] = [];
  try {
    for (const kind of ['step-down', 'seal', 'kill'] as const) {
      for (let run = 0; run < runs; run++) {
        await cluster.unsealAll(init.keys);
        const active = await settledActive(cluster, 10_000);
        const via = cluster.nodes.find((n) => n !== active && n.node.state === 'standby')!;
        const pool = new Pool(via.apiAddr, { connections: 1 });
        const write = async () => {
          const res = await pool.request({
            method: 'POST',
            path: '/v1/secret/data/failover',
            headers: { 'x-vault-token': init.rootToken },
            body: '{"data":{"a":1}}',
          });
          await res.body.dump();
          return res.statusCode < 300;
        };
        while (!(await write().catch(() => false))) await new Promise((r) => setTimeout(r, 2));
        const t0 = performance.now();
        if (kind === 'step-down') cluster.stepDown();
        else if (kind === 'seal') cluster.seal(active.name);
        else await cluster.kill(active.name);
        let errors = 0;
        for (;;) {
          if (await write().catch(() => false)) break;
          errors++;
          if (performance.now() - t0 > 10_000) throw new Error(`no failover after ${kind}`);
          await new Promise((r) => setTimeout(r, 1));
        }
        const ms = performance.now() - t0;
        await pool.close();
        samples.push({ kind, run, ms, clientErrors: errors });
        onProgress(`failover ${kind} ${run + 1}/${runs}: ${ms.toFixed(1)} ms, ${errors} client errors`);
        if (kind === 'kill') await cluster.restart(active.name);
        await new Promise((r) => setTimeout(r, 350));
      }
    }
  } finally {
    await cluster.close();
  }
  return samples;
}
