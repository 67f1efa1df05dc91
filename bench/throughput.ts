/**
 * Throughput and latency: every case at 1 and 10 connections, on memory and level
 * storage (a case may apply to one storage only: fsync is level's), repeated with the case order rotated each repetition, a warm-up before
 * every measurement, and the server's CPU time per request recorded beside req/s.
 */
import { appliesTo, CASES, type BenchCase, type ServerKind } from './cases.ts';
import { formatLatency, type Latency } from './latency.ts';
import { startLoad, startServer, type LoadProc, type ServerProc } from './processes.ts';

/** One measurement. */
export interface Sample {
  storage: 'memory' | 'level';
  case: string;
  connections: number;
  rep: number;
  reqPerSec: number;
  /** In the unit of the client that measured it: µs from the µs client, whole ms from autocannon. */
  latency: Latency;
  errors: number;
  cpuUsPerReq: number;
}

/** Settings of a throughput run. */
export interface ThroughputOptions {
  storages: Array<'memory' | 'level'>;
  connections: number[];
  reps: number;
  durationSec: number;
  warmupSec: number;
  /** Only these cases (default: all). */
  cases?: string[];
  onProgress(line: string): void;
}

/** How each server kind is started. */
const SERVERS: Record<ServerKind, { aead: 'node' | 'noble'; readCache: boolean; sync: boolean }> = {
  node: { aead: 'node', readCache: true, sync: false },
  // The AEAD engines are compared with the read cache off on both sides, or the cached read would never decrypt.
  uncached: { aead: 'node', readCache: false, sync: false },
  noble: { aead: 'noble', readCache: false, sync: false },
  synced: { aead: 'node', readCache: true, sync: true },
};

/** The server processes a storage's cases need, one per kind. */
async function startServers(storage: 'memory' | 'level', cases: BenchCase[]): Promise<Partial<Record<ServerKind, ServerProc>>> {
  const servers: Partial<Record<ServerKind, ServerProc>> = {};
  for (const kind of new Set(cases.map((c) => c.server))) {
    const k = SERVERS[kind];
    servers[kind] = await startServer(storage, k.aead, k.readCache, k.sync);
  }
  return servers;
}

/** One measurement: a warm-up, then the run itself with the server's CPU time taken around it. */
async function measure(
  load: LoadProc,
  server: ServerProc,
  c: BenchCase,
  { storage, connections, rep }: Pick<Sample, 'storage' | 'connections' | 'rep'>,
  o: ThroughputOptions,
): Promise<Sample> {
  const job = c.job(server.ready, connections, o.durationSec);
  await load.run({ ...job, durationSec: o.warmupSec });
  const cpu0 = await server.cpuMicros();
  const r = await load.run(job);
  const cpu1 = await server.cpuMicros();
  return {
    storage,
    case: c.name,
    connections,
    rep,
    reqPerSec: r.reqPerSec,
    latency: r.latency,
    errors: r.errors,
    cpuUsPerReq: r.requests ? (cpu1 - cpu0) / r.requests : 0,
  };
}

const progressLine = (s: Sample) =>
  `${s.storage} ${s.case} c${s.connections} rep ${s.rep + 1}: ${Math.round(s.reqPerSec)} req/s, p50 ${formatLatency(s.latency.p50, s.latency)}, ${s.cpuUsPerReq.toFixed(1)} µs CPU/req${s.errors ? `, ${s.errors} errors` : ''}`;

/** Runs every case and returns every sample. */
export async function runThroughput(o: ThroughputOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  const load = await startLoad();
  const chosen = CASES.filter((c) => !o.cases || o.cases.includes(c.name));
  const casesOf = (storage: 'memory' | 'level') => chosen.filter((c) => appliesTo(c, storage));
  const total = o.storages.reduce((n, st) => n + casesOf(st).length, 0) * o.reps * o.connections.length;
  try {
    for (const storage of o.storages) {
      const cases = casesOf(storage);
      const servers = await startServers(storage, cases);
      try {
        for (let rep = 0; rep < o.reps; rep++) {
          const shift = rep % cases.length;
          for (const c of [...cases.slice(shift), ...cases.slice(0, shift)])
            for (const connections of o.connections) {
              const s = await measure(load, servers[c.server]!, c, { storage, connections, rep }, o);
              samples.push(s);
              o.onProgress(`[${samples.length}/${total}] ${progressLine(s)}`);
            }
        }
      } finally {
        for (const s of Object.values(servers)) await s!.stop();
      }
    }
  } finally {
    load.stop();
  }
  return samples;
}
