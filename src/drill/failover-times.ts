/**
 * How long a cluster goes without an active node after the active is killed, sealed or
 * steps down, under a timing profile, measured in virtual time: the same drill machinery,
 * so Vault's own defaults (15 s leases, Consul's lock-delay) take seconds of wall time
 * instead of minutes. Each run puts the fault at a different point of the renewal cycle,
 * since where the last renewal fell decides how much of the lease is left.
 */
import { crashHoldMs, type Timings } from '../ha/index.ts';
import { runDrill } from './drill-runner.ts';
import { between, seeded } from './rng.ts';

/** The faults whose failover time is measured. */
export type FailoverKind = 'kill' | 'seal' | 'step-down';

/**
 * Measures `runs` failovers of `kind` under `timings` (seeded: the same seed, the same
 * samples): virtual ms from the fault until another node held the lock, one per run.
 */
export async function measureFailoverTimes(timings: Timings, kind: FailoverKind, runs: number, seed: number): Promise<number[]> {
  const rnd = seeded(seed);
  const hold = crashHoldMs(timings);
  const samplesMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    // After two renewals, anywhere in the third renewal interval.
    const at = 2 * timings.renewIntervalMs + Math.floor(between(rnd, 0, timings.renewIntervalMs));
    const r = await runDrill(
      {
        seed: seed + run,
        nodes: 3,
        clients: 1,
        keys: 1,
        thinkMs: [200, 400],
        durationMs: at + hold + 4 * timings.leaderCheckMs,
        // The killed or sealed node stays out for the rest of the drill: only the others may take over.
        faults: [{ at, kind, target: 'active', durationMs: hold + 4 * timings.leaderCheckMs }],
        fencing: true,
      },
      { timings },
    );
    if (r.violation) throw new Error(`failover drill (seed ${seed + run}) found ${r.violation.check}: ${r.violation.message}`);
    const events = r.history.events;
    const fault = events.find((e) => e.kind === 'fault' && e.on && e.name === kind);
    if (!fault || fault.kind !== 'fault') throw new Error(`the ${kind} fault never fired (seed ${seed + run})`);
    const victim = fault.target;
    const next = events.find((e) => e.t >= fault.t && e.kind === 'lock' && e.event === 'acquired' && e.node !== victim);
    if (!next) throw new Error(`no node took over after ${kind} (seed ${seed + run})`);
    samplesMs.push(next.t - fault.t);
  }
  return samplesMs;
}
