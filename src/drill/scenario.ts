/**
 * Scenarios as data: a named story told as steps (start client load, wait, inject a fault,
 * expect something), compiled into a drill spec plus the expectations to judge it by.
 * Steps run in order on one cursor, so a scenario reads like the runbook of a failover
 * drill; nothing in a scenario file is code.
 */
import { actsOnEtcd, actsOnStorage, actsOnZone, balancerCheck, type BalancerMode } from '../lab/index.ts';
import { topologyPreset } from '../net/index.ts';
import type { CheckId } from './checker.ts';
import {
  CLIENT_ROUTES,
  type ClientRoute,
  type DrillBalancer,
  type DrillSpec,
  type FaultKind,
  type Probe,
  type StorageFaultOptions,
} from './drill-spec.ts';

/** What a scenario can expect. Instant ones ('active', 'no-active') are checked at their step; the rest at the end. */
export type Expectation =
  | 'active'
  /** No node serves as active (etcd has lost its quorum: no lock can be held). */
  | 'no-active'
  | 'lost-writes'
  | 'fenced-writes'
  /** The first node to take the lock after a zone went down sits in another zone. */
  | 'active-in-another-zone'
  | 'stale-redirects'
  /** A standby's 307 named the balancer the client came through (every node advertises it). */
  | 'redirect-loop'
  /** Requests met a node sealed behind the balancer until its checks took it out, and none after. */
  | 'sealed-behind-balancer'
  | { violation: CheckId }
  | { newTerms: number }
  | { downtimeAtMostMs: number };

/** A scenario's balancer, as data: its mode, its check (HAProxy's inter, fall, rise) and whether nodes advertise it. */
export interface ScenarioBalancer {
  mode: BalancerMode;
  interMs?: number;
  fall?: number;
  rise?: number;
  /** Every node advertises the balancer as its api_addr (`up --api-addr lb`). */
  advertise?: boolean;
}

/** One step of a scenario. */
export type ScenarioStep =
  | { do: 'load'; clients: number; keys?: number; route?: ClientRoute }
  | { do: 'stop-load' }
  | { do: 'wait'; ms: number }
  | ({ do: 'fault'; kind: FaultKind; target?: string; forMs?: number } & StorageFaultOptions)
  | { do: 'expect'; that: Expectation };

/** A scenario: a drill with a name, a story, and steps. */
export interface Scenario {
  name: string;
  /** One line for listings (`vaultlab drill` alone); the description tells the whole story. */
  summary?: string;
  description: string;
  nodes?: number;
  /** False only for the split-brain mutant: storage accepts stale-term writes. */
  fencing?: boolean;
  /** A topology preset (`one-zone`, `three-zones`): where the nodes sit and how far apart. None: no delays. */
  topology?: string;
  /** A load balancer in front (the built-in one): every client connects to it. Its check defaults to HAProxy's. */
  balancer?: ScenarioBalancer;
  /** Plays only on node processes and a real etcd (`vaultlab drill NAME --processes`): it faults etcd itself. */
  processes?: boolean;
  steps: ScenarioStep[];
  /** Derived from the steps: the scenario must find a violation (the unfenced mutant). */
  expectViolation?: boolean;
}

/** An expectation judged at the end of a drill. */
export type FinalExpectation = Exclude<Expectation, 'active' | 'no-active'>;

/** Declares a scenario (validates the steps, so a typo fails at load time, not mid-drill). */
export function defineScenario(s: Scenario): Scenario {
  if (!/^[a-z0-9-]+$/.test(s.name)) throw new TypeError(`scenario name ${JSON.stringify(s.name)} must be kebab-case`);
  for (const step of s.steps) {
    if (step.do === 'wait' && !(step.ms > 0)) throw new TypeError(`${s.name}: a wait needs a positive ms`);
    if (step.do === 'load' && !(step.clients >= 1)) throw new TypeError(`${s.name}: load needs at least one client`);
    if (step.do === 'fault' && actsOnZone(step.kind) && !s.topology) throw new TypeError(`${s.name}: ${step.kind} needs a topology`);
    if (step.do === 'fault' && actsOnEtcd(step.kind) && !s.processes)
      throw new TypeError(`${s.name}: ${step.kind} acts on etcd, so the scenario needs processes: true`);
    if (step.do === 'load' && step.route !== undefined && !CLIENT_ROUTES.includes(step.route))
      throw new TypeError(`${s.name}: a load's route must be one of ${CLIENT_ROUTES.join(', ')}`);
  }
  if (s.topology) topologyPreset(s.topology);
  if (s.steps.some((x) => x.do === 'expect' && x.that === 'active-in-another-zone') && !s.topology)
    throw new TypeError(`${s.name}: active-in-another-zone needs a topology`);
  for (const x of ['redirect-loop', 'sealed-behind-balancer'] as const)
    if (s.steps.some((st) => st.do === 'expect' && st.that === x) && !s.balancer) throw new TypeError(`${s.name}: ${x} needs a balancer`);
  return { ...s, expectViolation: s.steps.some((x) => x.do === 'expect' && typeof x.that === 'object' && 'violation' in x.that) };
}

/** The drill a scenario plays with a given seed (the seed picks client choices; faults are fixed). */
export function compileScenario(s: Scenario, seed: number): { spec: DrillSpec; expectations: FinalExpectation[] } {
  const spec: DrillSpec = {
    seed,
    nodes: s.nodes ?? 3,
    clients: 0,
    keys: 2,
    durationMs: 0,
    faults: [],
    probes: [],
    fencing: s.fencing ?? true,
    ...(s.topology && { topology: topologyPreset(s.topology) }),
    ...(s.balancer && { balancer: drillBalancer(s.balancer) }),
  };
  const expectations: FinalExpectation[] = [];
  let at = 0;
  for (const step of s.steps) {
    switch (step.do) {
      case 'load':
        Object.assign(spec, { clients: step.clients, keys: step.keys ?? spec.keys, loadFromMs: at });
        // Only a route the scenario names goes into the spec: the specs of scenarios that name none stay as they were.
        if (step.route) spec.route = step.route;
        break;
      case 'stop-load':
        spec.loadUntilMs = at;
        break;
      case 'wait':
        at += step.ms;
        break;
      case 'fault': {
        const { do: _, kind, target, forMs, ...knobs } = step;
        spec.faults.push({ at, kind, target: target ?? defaultTarget(kind), durationMs: forMs ?? 0, ...knobs });
        break;
      }
      case 'expect':
        if (step.that === 'active' || step.that === 'no-active') spec.probes!.push({ at, that: step.that } satisfies Probe);
        else expectations.push(step.that);
        break;
    }
  }
  spec.durationMs = at;
  if (!spec.clients) Object.assign(spec, { clients: 3, loadFromMs: 0 });
  return { spec, expectations };
}

/** Whom a fault hits when the scenario names no one: all of storage, etcd's leader (or etcd whole), or the active. */
function defaultTarget(kind: FaultKind): string {
  if (actsOnStorage(kind)) return 'storage';
  if (kind === 'etcd-quorum') return 'etcd';
  return actsOnEtcd(kind) ? 'leader' : 'active';
}

/** The drill's balancer: the scenario's knobs over HAProxy's defaults, as `up --lb` takes them. */
function drillBalancer({ mode, advertise, ...knobs }: ScenarioBalancer): DrillBalancer {
  return { mode, check: balancerCheck(knobs), ...(advertise && { advertise: true }) };
}

/** The drill a scenario plays with a given seed. */
export function specOf(s: Scenario, seed: number): DrillSpec {
  return compileScenario(s, seed).spec;
}
