/**
 * What a drill is, as plain data: cluster size, client load, faults at given times, probes,
 * and whether storage fences. A spec plus its seed decides everything a drill does in
 * virtual time, so a failing spec can be saved, replayed and shrunk.
 */
import { actsOnStorage, RANDOM_FAULT_KINDS, type BalancerCheck, type BalancerMode, type FaultKind } from '../lab/index.ts';
import type { Topology } from '../net/index.ts';
import { between, oneOf, seeded } from './rng.ts';

export { FAULT_KINDS, RANDOM_FAULT_KINDS, type FaultKind } from '../lab/index.ts';

/** Knobs of the storage-wide faults (defaults in the lab's fault table). */
export interface StorageFaultOptions {
  /** slow-storage: mean added latency per call. */
  latencyMs?: number;
  /** slow-storage: jitter as a fraction of the latency (0.8 = ±80 %). */
  jitter?: number;
  /** storage-errors: the share of calls that fail. */
  errorRate?: number;
}

/** One fault: when (ms after the load starts), what, on whom, and for how long. */
export interface FaultStep extends StorageFaultOptions {
  at: number;
  kind: FaultKind;
  /**
   * 'active' or 'standby' = whoever is (the first) at that moment; a node name; 'storage' for storage-wide
   * faults; for zone-down a zone, or a node (or 'active', 'standby') whose zone goes down.
   */
  target: string;
  /** How long until it heals (kill: down time; crash-restart, seal: time sealed; ignored by step-down and delete-lock). */
  durationMs: number;
}

/** A check made during the drill at a given time. */
export interface Probe {
  at: number;
  /** 'active': exactly one node is active at that instant; 'no-active': none is. */
  that: 'active' | 'no-active';
}

/**
 * How drill clients reach the active. 'active' (the default): in virtual time straight to
 * the active, as a load balancer polling sys/health sends them; in real time to any node,
 * whose standbys forward. 'redirect': to any node with X-Vault-No-Request-Forwarding,
 * following a standby's redirect once, as Vault's Go client does.
 */
export type ClientRoute = 'active' | 'redirect';

/** The routes a scenario may choose. */
export const CLIENT_ROUTES: readonly ClientRoute[] = ['active', 'redirect'];

/**
 * A load balancer in front of a drill's nodes, the lab's built-in one: its clients then connect
 * to it and never to a node, and it sends each new connection where its health checks allow.
 */
export interface DrillBalancer {
  mode: BalancerMode;
  check: BalancerCheck;
  /** Every node advertises the balancer as its api_addr: a standby's 307 sends the client back to it. */
  advertise?: boolean;
}

/** A whole drill. */
export interface DrillSpec {
  seed: number;
  nodes: number;
  clients: number;
  keys: number;
  /** Virtual (or wall) ms from the start of the load to the end of the drill. */
  durationMs: number;
  /** When the clients start (default 0). */
  loadFromMs?: number;
  /** When the clients stop (default: durationMs). */
  loadUntilMs?: number;
  /** Think time between one client's requests, [min, max] ms (default [15, 90]). */
  thinkMs?: [number, number];
  /** How the clients reach the active (default 'active'). */
  route?: ClientRoute;
  faults: FaultStep[];
  probes?: Probe[];
  fencing: boolean;
  /**
   * Where the nodes sit and how far apart (zones, one-way latencies): every client request and
   * storage call then crosses its link, in virtual time as in real time. None: no delay at all.
   */
  topology?: Topology;
  /** A load balancer in front: every client connects to it. None: clients pick nodes themselves. */
  balancer?: DrillBalancer;
}

/** A random drill from a seed: 3–5 nodes, 2–4 clients, 1–5 faults, about 50–200 operations. */
export function randomSpec(seed: number, fencing = true): DrillSpec {
  const rnd = seeded(seed);
  const nodes = between(rnd, 3, 5);
  const durationMs = between(rnd, 4000, 8000);
  const faults: FaultStep[] = Array.from({ length: between(rnd, 1, 5) }, () => {
    const kind = oneOf(rnd, RANDOM_FAULT_KINDS);
    // Mostly the active (where faults hurt), sometimes any node, so standbys get hit too.
    const target = actsOnStorage(kind) ? 'storage' : rnd() < 0.7 ? 'active' : `node${between(rnd, 1, nodes)}`;
    const step: FaultStep = { at: between(rnd, 300, durationMs - 1500), kind, target, durationMs: between(rnd, 200, 2500) };
    if (kind === 'slow-storage') Object.assign(step, { latencyMs: between(rnd, 5, 60), jitter: between(rnd, 0, 90) / 100 });
    if (kind === 'storage-errors') step.errorRate = between(rnd, 5, 40) / 100;
    return step;
  }).sort((a, b) => a.at - b.at);
  return { seed, nodes, clients: between(rnd, 2, 4), keys: between(rnd, 2, 4), durationMs, thinkMs: [20, 120], faults, fencing };
}
