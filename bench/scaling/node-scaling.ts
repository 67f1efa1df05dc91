/**
 * Nodes 3 / 5 / 7: reads of preloaded keys sent to every standby at once (which forward them to
 * the active), against the same reads sent straight to the active, interleaved A B A B in the
 * same server process, so their ratio compares like with like. Each standby gets its own load
 * generator process; the direct case uses the same generators and connection split, only the
 * URL differs. Then the server's RSS: idle after the preload, and its peak under a mixed read
 * and write load.
 */
import type { LoadJob } from '../load-process.ts';
import { combineJobs, splitConnections, spreadOf, type JobFigures, type Spread } from './scaling-stats.ts';
import { PRELOADED_KEYS, startLoadGenerators, startScalingServer, type ScalingServer } from './scaling-procs.ts';
import type { LoadProc } from '../processes.ts';

/** Settings of the node-count phase. */
export interface NodeScalingOptions {
  nodeCounts: number[];
  connections: number;
  reps: number;
  durationSec: number;
  warmupSec: number;
  onProgress(line: string): void;
}

/** One case's repeats. */
export interface CaseFigures {
  reqPerSec: Spread;
  p50Us: Spread;
  p99Us: Spread;
  cpuUsPerReq: Spread;
  errors: number;
}

/** The figures of one cluster size. */
export interface NodeCountFigures {
  nodes: number;
  standbys: number;
  forwarded: CaseFigures;
  direct: CaseFigures;
  /** Forwarded ÷ direct, per repetition. */
  ratio: { reqPerSec: Spread; cpuUsPerReq: Spread };
  rss: { idleMiB: number; peakUnderLoadMiB: number; loadReqPerSec: number; loadErrors: number };
}

const MiB = 1024 * 1024;
const WRITE_BODY = '{"data":{"value":"' + 'y'.repeat(480) + '"}}';

type Target = Pick<LoadJob, 'origin' | 'path' | 'keys' | 'method'>;

function job(t: Target, token: string, connections: number, durationSec: number): LoadJob {
  const headers = { 'x-vault-token': token, 'content-type': 'application/json' };
  return {
    tool: 'micro',
    ...t,
    headers,
    body: t.method === 'POST' ? WRITE_BODY : undefined,
    connections,
    durationSec,
    followRedirect: false,
  };
}

/** Runs one load job per generator side by side, with the server's CPU time and peak RSS taken around them. */
async function runSideBySide(server: ScalingServer, gens: LoadProc[], targets: Target[], conns: number[], o: NodeScalingOptions) {
  const token = server.ready.token;
  await Promise.all(gens.map((g, i) => g.run(job(targets[i], token, conns[i], o.warmupSec))));
  const before = await server.stats();
  const results = await Promise.all(gens.map((g, i) => g.run(job(targets[i], token, conns[i], o.durationSec))));
  const after = await server.stats();
  const jobs: JobFigures[] = results.map((r) => ({ ...r, p50Us: r.latency.p50, p99Us: r.latency.p99 }));
  return { ...combineJobs(jobs, after.cpuMicros - before.cpuMicros), peakRss: after.peakRss };
}

type Measured = Awaited<ReturnType<typeof runSideBySide>>;

function caseFigures(runs: Measured[]): CaseFigures {
  const of = (f: (m: Measured) => number) => spreadOf(runs.map(f));
  return {
    reqPerSec: of((m) => m.reqPerSec),
    p50Us: of((m) => m.p50Us),
    p99Us: of((m) => m.p99Us),
    cpuUsPerReq: of((m) => m.cpuUsPerReq),
    errors: runs.reduce((n, m) => n + m.errors, 0),
  };
}

const line = (label: string, m: Measured) =>
  `${label}: ${Math.round(m.reqPerSec)} req/s, p50 ${Math.round(m.p50Us)} µs, p99 ${Math.round(m.p99Us)} µs, ${m.cpuUsPerReq.toFixed(1)} µs CPU/req${m.errors ? `, ${m.errors} errors` : ''}`;

/** Measures one cluster size: idle RSS, the A B A B forwarded and direct reads, then RSS under a mixed load. */
async function measureNodeCount(nodes: number, o: NodeScalingOptions): Promise<NodeCountFigures> {
  const server = await startScalingServer(nodes);
  const { active, standbys } = server.ready;
  const gens = await startLoadGenerators(standbys.length);
  try {
    const idle = await server.stats();
    const conns = splitConnections(o.connections, gens.length);
    // Uniform over the preloaded secrets, which all fit in the active's read cache: this measures the hop, not storage.
    const keys = { distribution: 'uniform', count: PRELOADED_KEYS } as const;
    const read = (origin: string): Target => ({ origin, path: '/v1/secret/data/k{key}', keys, method: 'GET' });
    const forwarded: Measured[] = [];
    const direct: Measured[] = [];
    // One unrecorded round of both first: a fresh process's first forwarded requests pay for JIT
    // compilation and the standbys' connection pools, which no later repeat does.
    await runSideBySide(server, gens, standbys.map(read), conns, o);
    await runSideBySide(
      server,
      gens,
      standbys.map(() => read(active)),
      conns,
      o,
    );
    for (let rep = 0; rep < o.reps; rep++) {
      const f = await runSideBySide(server, gens, standbys.map(read), conns, o);
      o.onProgress(`${nodes} nodes rep ${rep + 1}/${o.reps} ${line('forwarded via standbys', f)}`);
      const d = await runSideBySide(
        server,
        gens,
        standbys.map(() => read(active)),
        conns,
        o,
      );
      o.onProgress(`${nodes} nodes rep ${rep + 1}/${o.reps} ${line('direct to the active', d)}`);
      forwarded.push(f);
      direct.push(d);
    }
    // Under load: one generator writes to the active (over its own keys), the others read through the standbys.
    const write: Target = { origin: active, path: '/v1/secret/data/w{key}', keys, method: 'POST' };
    const mixed = standbys.map((s, i): Target => (i === 0 ? write : read(s)));
    const load = await runSideBySide(server, gens, mixed, conns, o);
    o.onProgress(`${nodes} nodes under read/write load: ${line('mixed', load)}, peak RSS ${(load.peakRss / MiB).toFixed(1)} MiB`);
    return {
      nodes,
      standbys: standbys.length,
      forwarded: caseFigures(forwarded),
      direct: caseFigures(direct),
      ratio: {
        reqPerSec: spreadOf(forwarded.map((f, i) => f.reqPerSec / direct[i].reqPerSec)),
        cpuUsPerReq: spreadOf(forwarded.map((f, i) => f.cpuUsPerReq / direct[i].cpuUsPerReq)),
      },
      rss: { idleMiB: idle.rss / MiB, peakUnderLoadMiB: load.peakRss / MiB, loadReqPerSec: load.reqPerSec, loadErrors: load.errors },
    };
  } finally {
    for (const g of gens) g.stop();
    await server.stop();
  }
}

/** Measures every cluster size, one after the other. */
export async function runNodeScaling(o: NodeScalingOptions): Promise<NodeCountFigures[]> {
  const figures: NodeCountFigures[] = [];
  for (const nodes of o.nodeCounts) figures.push(await measureNodeCount(nodes, o));
  return figures;
}
