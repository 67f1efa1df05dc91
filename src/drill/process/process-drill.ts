/**
 * Plays one drill on node processes and a real etcd (`vaultlab drill NAME --processes`): a
 * process lab in a folder of its own, initialized and unsealed, KV v2 at secret/ keeping every
 * version; clients over HTTP while the faults fire as signals and etcd stops; then everything
 * healed, the cluster settled, the final state read, and the history checked (C1 and C2 on
 * etcd's order, C4 and C5 on what clients saw). Real time: timing bounds are reported, never
 * asserted, as for every wall-clock drill.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { LAB_TIMINGS, type Timings } from '../../ha/index.ts';
import { nodeCall, nodeMust, ProcessLab, unsealProcesses } from '../../lab/index.ts';
import { lostWrites, type FinalState } from '../checker.ts';
import { clientDowntimeMs } from '../client-downtime.ts';
import type { ClientTally } from '../drill-client.ts';
import { downtime, finalStateOf } from '../drill-cluster.ts';
import type { DrillResult, ProbeResult } from '../drill-runner.ts';
import type { DrillSpec, FaultStep, Probe } from '../drill-spec.ts';
import { History } from '../history.ts';
import { seeded } from '../rng.ts';
import { runProcessClient } from './process-client.ts';
import { PROCESS_FAULT_KINDS, ProcessDrillFaults } from './process-drill-faults.ts';
import { activeOverlapMs, checkProcessHistory, mergeInto, nodeEvents, storageOrder } from './process-history.ts';

/** A process drill's result: a drill result, plus what only processes show. */
export interface ProcessDrillResult extends DrillResult {
  /** Milliseconds two running nodes both said they were active (reported, not judged: see process-history.ts). */
  activeOverlapMs: number;
  /** The fault steps that fired, as the spec wrote them ('active', 'leader'). */
  firedFaults: FaultStep[];
}

/** How long a process drill's client waits for an answer before it records the outcome as unknown. */
const CLIENT_TIMEOUT_MS = 3000;

/** Why a spec cannot be played on processes, or undefined when it can. */
export function processDrillRefusal(spec: DrillSpec): string | undefined {
  if (!spec.fencing) return 'the unfenced mutant turns fencing off inside storage, which only a drill in one process can do';
  const odd = spec.faults.find((f) => !PROCESS_FAULT_KINDS.includes(f.kind));
  if (odd) return `${odd.kind} cannot be injected into node processes (they take ${PROCESS_FAULT_KINDS.join(', ')})`;
  if (spec.topology) return 'a process drill has no topology yet: its nodes talk over plain loopback';
  if (spec.balancer) return 'a process drill has no balancer yet';
  return undefined;
}

/**
 * One read of the final state, from whichever node is active, tried again (for up to 30 s) while
 * the answer is not a 200 or a 404: a read that failed says nothing about the data, and taking it
 * for "no value" would report a write lost that is there.
 */
async function readOnce(lab: ProcessLab, token: string, path: string): Promise<Record<string, unknown> | undefined> {
  const deadline = Date.now() + 30_000;
  let last = 'no active node';
  while (Date.now() < deadline) {
    const addr = (await lab.active())?.o.apiAddr;
    const r = addr ? await nodeCall(addr, 'GET', path, { token, timeoutMs: 10_000 }) : undefined;
    if (r?.status === 200) return r.body.data as Record<string, unknown>;
    if (r?.status === 404) return undefined;
    last = r ? `${r.status} ${JSON.stringify(r.body.errors ?? [])}` : `${addr ?? 'no active node'}: no answer`;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`the final state could not be read: GET ${path}: ${last}`);
}

/** Every version of every drill key, read over HTTP from the active. */
function readFinal(lab: ProcessLab, token: string, keys: number): Promise<FinalState> {
  return finalStateOf(keys, (path, version) => readOnce(lab, token, version === undefined ? path : `${path}?version=${version}`));
}

/** Exactly one running node says it is active, or none does ('no-active'); a paused one answers nothing, so it cannot claim. */
async function probeActive(lab: ProcessLab, p: Probe): Promise<ProbeResult> {
  const said = await Promise.all(
    lab.nodes.map(async (n) => ({ n, r: n.state === 'running' ? await nodeCall(n.o.apiAddr, 'GET', 'sys/leader') : undefined })),
  );
  const actives = said.filter((s) => s.r?.body.is_self === true).map((s) => s.n.o.name);
  const detail = said
    .map((s) => `${s.n.o.name} ${s.n.state !== 'running' ? s.n.state : s.r?.body.is_self === true ? 'active' : s.r ? 'standby' : 'silent'}`)
    .join(', ');
  return { ...p, ok: actives.length === (p.that === 'no-active' ? 0 : 1), detail };
}

/** Starts the lab, initializes (one share: a drill is about failover) and unseals it, and mounts KV v2 keeping every version. */
async function setUp(lab: ProcessLab): Promise<{ token: string; keys: string[] }> {
  const init = (await nodeMust(lab.nodes[0].o.apiAddr, 'PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } })) as {
    keys: string[];
    root_token: string;
  };
  await unsealProcesses(lab.nodes, init.keys);
  const active = await lab.untilActive(30_000);
  if (!active) throw new Error('the drill cluster never elected an active node');
  const addr = active.o.apiAddr;
  const token = init.root_token;
  await nodeMust(addr, 'PUT', 'sys/mounts/secret', { token, body: { type: 'kv', options: { version: '2' } } });
  await nodeMust(addr, 'PUT', 'secret/config', { token, body: { max_versions: 10_000 } });
  return { token, keys: init.keys };
}

/** How to play a process drill. */
export interface ProcessDrillOptions {
  /** Where the lab lives (default: a temporary folder, removed after). */
  dir?: string;
  timings?: Timings;
  /** Called with the lab, set up, before the drill starts (`--watch`: a dashboard attaches); gets the root token and the key. */
  watch?: (lab: ProcessLab, access: { token: string; keys: string[] }) => Promise<void>;
}

/** Plays `spec` on node processes. */
export async function runProcessDrill(spec: DrillSpec, o: ProcessDrillOptions = {}): Promise<ProcessDrillResult> {
  const refusal = processDrillRefusal(spec);
  if (refusal) throw new Error(refusal);
  const timings = o.timings ?? LAB_TIMINGS;
  const home = o.dir ?? mkdtempSync(join(tmpdir(), 'vaultlab-process-drill-'));
  const lab = await ProcessLab.start({ nodes: spec.nodes, storage: 'etcd', home, basePort: 0, profile: 'lab', timings });
  const agent = new Agent({ pipelining: 0 });
  try {
    const { token, keys } = await setUp(lab);
    await o.watch?.(lab, { token, keys });
    const history = new History();
    const faults = new ProcessDrillFaults(lab, history, keys, token);
    const start = Date.now();
    const probes: Array<Promise<ProbeResult>> = [];
    const timers = [
      ...(spec.probes ?? []).map((p) => setTimeout(() => probes.push(probeActive(lab, p)), p.at)),
      ...spec.faults.map((f) => setTimeout(() => void faults.apply(f).catch(() => undefined), f.at)),
    ];
    const tally: ClientTally = { ok: 0, failed: 0, unknown: 0 };
    const loadEnd = start + (spec.loadUntilMs ?? spec.durationMs);
    const env = {
      history,
      token,
      targets: () => lab.nodes.filter((n) => n.state === 'running').map((n) => ({ name: n.o.name, apiAddr: n.o.apiAddr })),
      rnd: seeded(spec.seed ^ 0x5eed),
      keys: spec.keys,
      thinkMs: spec.thinkMs ?? [15, 90],
      timeoutMs: CLIENT_TIMEOUT_MS,
      agent,
    };
    await new Promise((r) => setTimeout(r, spec.loadFromMs ?? 0));
    const clients = Promise.all(Array.from({ length: spec.clients }, (_, i) => runProcessClient(env, i, loadEnd, tally)));
    await new Promise((r) => setTimeout(r, Math.max(0, start + spec.durationMs - Date.now())));
    await clients;
    timers.forEach(clearTimeout);
    await faults.healAll();
    await unsealProcesses(lab.nodes, keys);
    const recovered = (await lab.untilActive(3 * timings.lockTtlMs + timings.stepDownBackoffMs + 20_000)) !== undefined;
    let unreadable: string | undefined;
    const final = recovered
      ? await readFinal(lab, token, spec.keys).catch((e: Error): undefined => {
          unreadable = e.message;
          return undefined;
        })
      : undefined;
    const end = Date.now();
    const events = nodeEvents(
      lab.nodes.map((n) => n.o.eventLog),
      0,
    );
    mergeInto(history, events);
    const violation =
      checkProcessHistory(history, storageOrder(events), final) ??
      (unreadable ? { check: 'C4' as const, message: unreadable, events: [], unknown: true } : undefined) ??
      (recovered ? undefined : { check: 'C6' as const, message: 'no active node after every fault healed', events: [] });
    const startIndex = history.events.findIndex((e) => e.t >= start);
    return {
      spec,
      realTime: true,
      timings,
      violation,
      history,
      final: final ?? new Map(),
      downtimeMs: Math.round(clientDowntimeMs(history.events, start, loadEnd)),
      noActiveMs: Math.round(downtime(history, start, start + spec.durationMs)),
      ops: tally,
      lostWrites: final ? lostWrites(history.events, final) : 0,
      fencedWrites: history.events.filter((e) => e.kind === 'fenced').length,
      probes: await Promise.all(probes),
      startTime: start,
      startIndex: startIndex < 0 ? history.events.length : startIndex,
      endTime: end,
      activeOverlapMs: activeOverlapMs(history.events),
      firedFaults: [...faults.fired],
    };
  } finally {
    await agent.close();
    await lab.close();
    if (!o.dir) rmSync(home, { recursive: true, force: true });
  }
}
