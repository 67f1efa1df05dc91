/**
 * Failover with nodes as processes on etcd: a process lab (three node processes, three etcd
 * members) and a client writing through whichever node answers; a SIGKILL of the active, or
 * a step-down, and the time from the fault until a write succeeds again. The lab's timings
 * (1 s lease) as in every lab; Vault's 15 s lease scales the SIGKILL case by fifteen.
 */
import { performance } from 'node:perf_hooks';
import { nodeCall, nodeMust, unsealProcesses, type ProcessLab } from '../../src/lab/index.ts';

/** One measured failover. */
export interface ProcessFailoverSample {
  kind: 'sigkill' | 'step-down';
  ms: number;
}

/** Writes through the running nodes in turn until one write succeeds; the ms that took from `since`. */
async function untilWriteLands(lab: ProcessLab, token: string, since: number): Promise<number> {
  for (let i = 0; ; i++) {
    const running = lab.nodes.filter((n) => n.state === 'running');
    const n = running[i % running.length];
    const r = await nodeCall(n.o.apiAddr, 'PUT', 'secret/data/failover', { token, body: { data: { v: String(i) } }, timeoutMs: 2000 });
    if (r?.status === 200) return performance.now() - since;
  }
}

/** `runs` failovers of each kind on `lab` (initialized, with KV v2 at secret/ and `keys` to unseal). */
export async function processFailovers(
  lab: ProcessLab,
  token: string,
  keys: readonly string[],
  runs: number,
  progress: (s: string) => void,
): Promise<ProcessFailoverSample[]> {
  const samples: ProcessFailoverSample[] = [];
  for (const kind of ['sigkill', 'step-down'] as const) {
    for (let run = 0; run < runs; run++) {
      const active = (await lab.untilActive(30_000))!;
      await untilWriteLands(lab, token, performance.now());
      const since = performance.now();
      if (kind === 'sigkill') await active.kill();
      else await nodeMust(active.o.apiAddr, 'PUT', 'sys/step-down', { token });
      const ms = await untilWriteLands(lab, token, since);
      samples.push({ kind, ms });
      progress(`process failover ${kind} ${run + 1}/${runs}: ${ms.toFixed(0)} ms`);
      if (kind === 'sigkill') {
        await active.start();
        await unsealProcesses(lab.nodes, keys);
      }
      // The step-down back-off (2 s on the lab's timings) must pass, so each run starts with every node eligible.
      await new Promise((r) => setTimeout(r, 2500));
    }
  }
  return samples;
}
