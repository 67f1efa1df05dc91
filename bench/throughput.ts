/**
 * Throughput and latency: every case at its connection counts, on memory and level storage
 * (a case may apply to one storage only: fsync is level's), with the servers of both storages
 * up together and the measurements interleaved (see schedule.ts), repeated, a warm-up before
 * every measurement. Beside req/s: the server's CPU time per request, the read cache's hits
 * and misses over the measured window, and the machine's load average over each repetition.
 */
import { loadavg } from 'node:os';
import { CASES, keySpacesOf, SERVER_KINDS, type ApiTls, type BenchCase, type ServerKind } from './cases.ts';
import { formatLatency, type Latency } from './latency.ts';
import { rangeBase } from './port-base.ts';
import { startLoad, startServer, type LoadProc, type ServerProc } from './processes.ts';
import { repetition, type Slot } from './schedule.ts';

/** One measurement. */
export interface Sample {
  storage: 'memory' | 'level';
  /** Whether the API was served over TLS (absent from sets written before it could be: off). */
  apiTls?: ApiTls;
  case: string;
  connections: number;
  rep: number;
  reqPerSec: number;
  /** The seconds the client measured (absent from sets written before it was recorded). */
  seconds?: number;
  /** In the unit of the client that measured it: µs from the µs client, whole ms from autocannon. */
  latency: Latency;
  errors: number;
  cpuUsPerReq: number;
  /** The read cache's lookups over the measured window, summed over the nodes; absent on servers without the cache. */
  cache?: { hits: number; misses: number };
  /** Connections the µs client opened over the measured window, by origin (absent for autocannon). */
  connectionsOpened?: Record<string, number>;
}

/** The machine's 1, 5 and 15 minute load averages at the start and the end of a phase. */
export interface PhaseLoad {
  phase: string;
  start: number[];
  end: number[];
}

/** Settings of a throughput run. */
export interface ThroughputOptions {
  storages: Array<'memory' | 'level'>;
  /** The API TLS modes to measure each case in (default: off). */
  apiTls?: ApiTls[];
  /** Only these connection counts (default: each case's own). */
  connections?: number[];
  reps: number;
  durationSec: number;
  warmupSec: number;
  /** The bench's port base (0: any free ports). */
  portBase: number;
  /** Only these cases (default: all). */
  cases?: string[];
  onProgress(line: string): void;
}

type Servers = Map<string, ServerProc>;
const serverKey = (storage: string, kind: ServerKind, apiTls: ApiTls) => `${storage}/${kind}/${apiTls}`;
/** How a progress line or an error names a server: "the memory node server", "the memory node server with API TLS". */
const serverName = (storage: string, kind: ServerKind, apiTls: ApiTls) =>
  `the ${storage} ${kind} server${apiTls === 'on' ? ' with API TLS' : ''}`;

/** Starts, one after the other, the server processes the cases need on every storage and TLS mode, each on its own port range; `started` holds every one that came up. */
async function startServers(o: ThroughputOptions, cases: BenchCase[], started: Servers): Promise<void> {
  let k = 0;
  for (const storage of o.storages) {
    for (const kind of new Set(cases.filter((c) => !c.storages || c.storages.includes(storage)).map((c) => c.server))) {
      const preload = keySpacesOf(kind, cases);
      for (const apiTls of o.apiTls ?? ['off']) {
        const spec = { storage, ...SERVER_KINDS[kind], apiTls: apiTls === 'on', portBase: rangeBase(o.portBase, k++), preload };
        const name = serverName(storage, kind, apiTls);
        o.onProgress(`starting ${name} (${preload.reduce((n, s) => n + s.count, 0)} secrets to preload)`);
        started.set(serverKey(storage, kind, apiTls), await startServer(spec, name));
      }
    }
  }
}

/** One measurement: a warm-up, then the run itself with the server's CPU time and cache counts taken around it. */
async function measure(load: LoadProc, server: ServerProc, slot: Slot, rep: number, o: ThroughputOptions): Promise<Sample> {
  const { storage, apiTls, connections, case: c } = slot;
  const job = c.job(server.ready, connections, o.durationSec);
  await load.run({ ...job, durationSec: o.warmupSec });
  const before = await server.stats();
  const r = await load.run(job);
  const after = await server.stats();
  const cpu = after.cpu.user + after.cpu.system - (before.cpu.user + before.cpu.system);
  const cache = { hits: after.cache.hits - before.cache.hits, misses: after.cache.misses - before.cache.misses };
  return {
    storage,
    apiTls,
    case: c.name,
    connections,
    rep,
    reqPerSec: r.reqPerSec,
    seconds: r.seconds,
    latency: r.latency,
    errors: r.errors,
    cpuUsPerReq: r.requests ? cpu / r.requests : 0,
    ...(SERVER_KINDS[c.server].readCache ? { cache } : {}),
    ...(r.connectionsOpened ? { connectionsOpened: r.connectionsOpened } : {}),
  };
}

/** Hits over lookups, as a percentage, for a progress line. */
export function hitRateText(cache: Sample['cache']): string {
  const lookups = cache ? cache.hits + cache.misses : 0;
  return cache && lookups ? `${((100 * cache.hits) / lookups).toFixed(0)}% cache hits` : '';
}

const progressLine = (s: Sample) =>
  [
    `${s.storage}${s.apiTls === 'on' ? ' tls' : ''} ${s.case} c${s.connections} rep ${s.rep + 1}: ${Math.round(s.reqPerSec)} req/s`,
    `p50 ${formatLatency(s.latency.p50, s.latency)}`,
    `${s.cpuUsPerReq.toFixed(1)} µs CPU/req`,
    hitRateText(s.cache),
    s.errors ? `${s.errors} errors` : '',
  ]
    .filter(Boolean)
    .join(', ');

/** Runs every case and returns every sample and the load average of each repetition. */
export async function runThroughput(o: ThroughputOptions): Promise<{ samples: Sample[]; load: PhaseLoad[] }> {
  const samples: Sample[] = [];
  const phases: PhaseLoad[] = [];
  const chosen = CASES.filter((c) => !o.cases || o.cases.includes(c.name));
  const reps = Array.from({ length: o.reps }, (_, rep) => repetition(chosen, o.storages, rep, o.connections, o.apiTls));
  const total = reps.reduce((n, slots) => n + slots.length, 0);
  const servers: Servers = new Map();
  const load = await startLoad();
  try {
    await startServers(o, chosen, servers);
    o.onProgress(`${servers.size} servers up: ${total} measurements of ${o.durationSec} s each`);
    for (const [rep, slots] of reps.entries()) {
      const start = loadavg();
      for (const slot of slots) {
        const s = await measure(load, servers.get(serverKey(slot.storage, slot.case.server, slot.apiTls))!, slot, rep, o);
        samples.push(s);
        o.onProgress(`[${samples.length}/${total}] ${progressLine(s)}`);
      }
      phases.push({ phase: `throughput rep ${rep + 1}`, start, end: loadavg() });
    }
  } finally {
    load.stop();
    for (const s of servers.values()) await s.stop();
  }
  return { samples, load: phases };
}
