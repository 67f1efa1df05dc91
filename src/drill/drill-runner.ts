/**
 * Plays one drill: start a lab, initialise and unseal it, run the clients for the load
 * window while faults fire at their times and probes look at the cluster, then heal
 * everything, let the cluster settle, read the final state and run the checker.
 * In virtual time the same spec gives the same history; in real time the same code runs
 * on wall-clock timers with clients over HTTP, and timing bounds are reported, not checked.
 */
import { SimClock } from '../clock/index.ts';
import { crashHoldMs, LAB_TIMINGS, type Timings } from '../ha/index.ts';
import { balancerAgrees, type Cluster } from '../lab/index.ts';
import { checkHistory, lostWrites, type FinalState, type Violation } from './checker.ts';
import { clientDowntimeMs } from './client-downtime.ts';
import { runClient, type ClientTally } from './drill-client.ts';
import { downtime, drive, readFinal, recordCluster, settled, startDrillCluster, type DrillCluster } from './drill-cluster.ts';
import type { DrillSpec, Probe } from './drill-spec.ts';
import { DrillFaults } from './faults.ts';
import { History } from './history.ts';
import { HttpTransport } from './http-transport.ts';
import { seeded } from './rng.ts';

/** How long an in-process drill client waits before it records the outcome as unknown (virtual ms). */
const CLIENT_TIMEOUT_MS = 500;
/** The same over HTTP on a loaded machine (wall ms). */
const HTTP_TIMEOUT_MS = 3000;

/** How a drill runs: in virtual time in-process (default), or in real time over HTTP on the level backend. */
export interface DrillMode {
  realTime?: boolean;
  /** The HA timings (default: the lab's 1 s lock TTL). */
  timings?: Timings;
  /** Called once the drill's cluster is up, before it is initialized: a dashboard attaches here (and may hold the drill until it does). */
  watch?: (cluster: Cluster) => Promise<void>;
}

/** A probe and what it saw. */
export interface ProbeResult extends Probe {
  ok: boolean;
  detail: string;
  /** Why it holds although more than one node claims to be active. */
  why?: string;
}

/** What a drill found. */
export interface DrillResult {
  spec: DrillSpec;
  realTime: boolean;
  timings: Timings;
  violation?: Violation;
  history: History;
  final: FinalState;
  /** Clock ms during the load during which clients got no successful answer (see client-downtime.ts). */
  downtimeMs: number;
  /** Clock ms between the start of the load and the end of the drill during which no node was in the active state. */
  noActiveMs: number;
  ops: ClientTally;
  /** Acknowledged writes missing from the final state. */
  lostWrites: number;
  /** Writes storage refused from a stale term. */
  fencedWrites: number;
  probes: ProbeResult[];
  startTime: number;
  /** The history's length when the load window opened (events before it are the cluster's start-up). */
  startIndex: number;
  endTime: number;
}

/** Runs one drill to completion. */
export async function runDrill(spec: DrillSpec, mode: DrillMode = {}): Promise<DrillResult> {
  const realTime = mode.realTime === true;
  const timings = mode.timings ?? LAB_TIMINGS;
  // Bounds scale with how long a crashed active can keep the lock (one TTL; on Consul 2 × TTL plus its lock-delay).
  const hold = crashHoldMs(timings);
  const dc = await startDrillCluster({
    nodes: spec.nodes,
    seed: spec.seed,
    realTime,
    timings,
    topology: spec.topology,
    balancer: spec.balancer,
  });
  const history = new History();
  const transport = realTime ? new HttpTransport(dc.cluster, HTTP_TIMEOUT_MS) : undefined;
  try {
    await mode.watch?.(dc.cluster);
    const init = await startUp(dc, history, spec, hold);
    const load = await play(dc, history, spec, init, transport);
    // Heal everything, then give the cluster time to recover, as an operator would.
    const calmLimit = 3 * hold + timings.stepDownBackoffMs;
    const recovered = await recover(dc, load.faults, init.keys, { realTime, calmLimit, settleMs: realTime ? calmLimit : 3 * hold });
    if (!realTime) await dc.wait(3 * hold); // C6 also judges the quiet time after recovery
    const final = recovered ? await dc.finish(readFinal(dc.cluster, init.token, spec.keys)) : undefined;
    const endTime = dc.clock.now();
    const violation =
      checkHistory(history.events, final, {
        lockTtlMs: hold,
        stepDownBackoffMs: timings.stepDownBackoffMs,
        endTime,
        liveness: !realTime,
      }) ??
      (recovered
        ? undefined
        : {
            check: 'C6' as const,
            message: `no active node ${calmLimit} ms after every fault healed: ${JSON.stringify(dc.cluster.states())}`,
            events: [],
          });
    return { spec, realTime, timings, violation, history, ...tallies(history, load, final), endTime };
  } finally {
    await transport?.close();
    await dc.close();
  }
}

/** A drill's seal: one share, threshold one (a drill is about failover, not the key ceremony). */
export const DRILL_SEAL = { shares: 1, threshold: 1 } as const;

/** Initialises and unseals the cluster, waits for an active, and makes KV keep every version. */
async function startUp(dc: DrillCluster, history: History, spec: DrillSpec, hold: number): Promise<{ token: string; keys: string[] }> {
  const { cluster } = dc;
  recordCluster(cluster, history, spec.fencing);
  const init = await dc.finish(cluster.init(DRILL_SEAL.shares, DRILL_SEAL.threshold));
  const token = init.rootToken;
  await dc.finish(cluster.unsealAll(init.keys));
  if (!(await settled(dc, 10 * hold))) throw new Error('the drill cluster never elected an active node');
  // A balancer takes every node as up until its checks say otherwise: the load starts once they have.
  if (spec.balancer) await balancerDecided(dc, spec.balancer.check);
  // Keep every version, so the checker can tell exactly which acknowledged write a version holds.
  await dc.finish(cluster.active()!.node.handle({ operation: 'update', path: 'secret/config', data: { max_versions: 10_000 }, token }));
  return { token, keys: init.keys };
}

/** Lets time pass until the balancer's view matches the cluster (balancerAgrees), or as long as the slowest decision can take. */
async function balancerDecided(dc: DrillCluster, { interMs, fall, rise }: NonNullable<DrillSpec['balancer']>['check']): Promise<void> {
  const { balancer, nodes } = dc.cluster;
  for (let waited = 0; waited < interMs * (Math.max(fall, rise) + 2) && !(await balancerAgrees(balancer!, nodes)); waited += 20)
    await dc.wait(20);
}

/** The load window: clients run while faults fire and probes look at their times. */
interface Load {
  start: number;
  startIndex: number;
  end: number;
  /** When the clients stop sending. */
  loadEnd: number;
  faults: DrillFaults;
  probes: ProbeResult[];
  tally: ClientTally;
}

/** Plays the load window: schedules probes and faults, runs the clients, and waits for their last requests. */
async function play(
  dc: DrillCluster,
  history: History,
  spec: DrillSpec,
  init: { token: string; keys: string[] },
  transport?: HttpTransport,
): Promise<Load> {
  const { cluster, clock, wait } = dc;
  const start = clock.now();
  const startIndex = history.events.length;
  const end = start + spec.durationMs;
  const faults = new DrillFaults(cluster, history, init.keys);
  // Probes first: one at the same instant as a fault looks before the fault fires.
  const probes: ProbeResult[] = [];
  for (const p of spec.probes ?? []) clock.setTimeout(() => probes.push(probe(p, cluster.states(), faults)), p.at);
  for (const f of spec.faults) clock.setTimeout(() => void faults.apply(f).catch(() => undefined), f.at);
  const tally: ClientTally = { ok: 0, failed: 0, unknown: 0 };
  const timeoutMs = transport ? HTTP_TIMEOUT_MS : CLIENT_TIMEOUT_MS;
  const env = {
    cluster,
    clock,
    history,
    token: init.token,
    transport,
    route: spec.route,
    rnd: seeded(spec.seed ^ 0x5eed),
    keys: spec.keys,
    thinkMs: spec.thinkMs ?? [15, 90],
    timeoutMs,
    wakeOf: (n: string) => faults.wakeOf(n),
  };
  const loadEnd = start + (spec.loadUntilMs ?? spec.durationMs);
  const clients = clock
    .sleep(spec.loadFromMs ?? 0)
    .then(() => Promise.all(Array.from({ length: spec.clients }, (_, i) => runClient(env, i, loadEnd, tally))));
  if (clock instanceof SimClock) await clock.runUntil(end);
  else await clock.sleep(spec.durationMs);
  await drive(clients, wait); // slow storage can stretch the last requests past the end
  return { start, startIndex, end, loadEnd, faults, probes, tally };
}

/** Heals every fault, lets the cluster calm down, unseals what came back sealed; whether an active returned within `settleMs`. */
async function recover(
  dc: DrillCluster,
  faults: DrillFaults,
  keys: string[],
  o: { realTime: boolean; calmLimit: number; settleMs: number },
): Promise<boolean> {
  const { cluster, wait } = dc;
  cluster.healAll();
  await drive(faults.healAll(), wait);
  await (o.realTime ? settled(dc, o.calmLimit) : wait(o.calmLimit));
  await drive(
    cluster.unsealAll(keys).catch(() => undefined),
    wait,
  );
  return settled(dc, o.settleMs);
}

/** What the load window and the final state add up to. */
function tallies(history: History, load: Load, final: FinalState | undefined) {
  return {
    final: final ?? new Map(),
    // Whole ms: a topology's wires put fractions of a ms on the clock.
    downtimeMs: Math.round(clientDowntimeMs(history.events, load.start, load.loadEnd)),
    noActiveMs: Math.round(downtime(history, load.start, load.end)),
    ops: load.tally,
    lostWrites: final ? lostWrites(history.events, final) : 0,
    fencedWrites: history.events.filter((e) => e.kind === 'fenced').length,
    probes: load.probes,
    startTime: load.start,
    startIndex: load.startIndex,
  };
}

/**
 * Exactly one live active: a frozen node that still believes it is active does not count
 * (it serves nothing). When more than one node claims active and the probe still holds,
 * `why` says so, since "exactly one active" next to two actives reads like a bug.
 */
function probe(p: Probe, states: Record<string, string>, faults: DrillFaults): ProbeResult {
  const claims = Object.keys(states).filter((n) => states[n] === 'active');
  const paused = claims.filter((n) => faults.wakeOf(n));
  const ok = claims.length - paused.length === (p.that === 'no-active' ? 0 : 1);
  const detail = Object.entries(states)
    .map(([n, s]) => `${n} ${s}${faults.wakeOf(n) ? ' (paused)' : ''}`)
    .join(', ');
  const was = paused.length === 1 ? 'was' : 'were';
  const why =
    ok && paused.length ? `${paused.join(' and ')} ${was} paused: a paused node serves nothing, so one active served at a time` : undefined;
  return { ...p, ok, detail, why };
}
