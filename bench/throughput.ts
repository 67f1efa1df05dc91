/**
 * Throughput and latency: every case at 1 and 10 connections, on memory and level
 * storage, repeated with the case order rotated each repetition, a warm-up before
 * every measurement, and the server's CPU time per request recorded beside req/s.
 */
import { CASES } from './cases.ts';
import { startLoad, startServer, type ServerProc } from './processes.ts';

/** One measurement. */
export interface Sample {
  storage: 'memory' | 'level';
  case: string;
  connections: number;
  rep: number;
  reqPerSec: number;
  p50Us: number;
  p99Us: number;
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
  onProgress(line: string): void;
}

/** Runs every case and returns every sample. */
export async function runThroughput(o: ThroughputOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  const load = await startLoad();
  const total = o.storages.length * o.reps * CASES.length * o.connections.length;
  let done = 0;
  try {
    for (const storage of o.storages) {
      // The AEAD engines are compared with the read cache off on both sides, or the cached read would never decrypt.
      const servers: Record<string, ServerProc> = {
        node: await startServer(storage, 'node', true),
        uncached: await startServer(storage, 'node', false),
        noble: await startServer(storage, 'noble', false),
      };
      try {
        for (let rep = 0; rep < o.reps; rep++) {
          const shift = rep % CASES.length;
          const order = [...CASES.slice(shift), ...CASES.slice(0, shift)];
          for (const c of order) {
            for (const connections of o.connections) {
              const server = servers[c.server];
              const job = c.job(server.ready, connections, o.durationSec);
              await load.run({ ...job, durationSec: o.warmupSec });
              const cpu0 = await server.cpuMicros();
              const r = await load.run(job);
              const cpu1 = await server.cpuMicros();
              const s: Sample = { storage, case: c.name, connections, rep, reqPerSec: r.reqPerSec, p50Us: r.p50Us, p99Us: r.p99Us, errors: r.errors, cpuUsPerReq: r.requests ? (cpu1 - cpu0) / r.requests : 0 };
              samples.push(s);
              done++;
              o.onProgress(`[${done}/${total}] ${storage} ${c.name} c${connections} rep ${rep + 1}: ${Math.round(s.reqPerSec)} req/s, p50 ${Math.round(s.p50Us)} µs, ${s.cpuUsPerReq.toFixed(1)} µs CPU/req${s.errors ? `, ${s.errors} errors` : ''}`);
            }
          }
        }
      } finally {
        for (const s of Object.values(servers)) await s.stop();
      }
    }
  } finally {
    load.stop();
  }
  return samples;
}
