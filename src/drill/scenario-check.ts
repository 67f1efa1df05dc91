/**
 * Checks a scenario written by a user (a JSON file, or a .ts file's default export) field
 * by field, in the same shape as the shipped ones in scenarios/, and says what is wrong with
 * each bad field by its path (`steps[2].forMs: ...`), so nothing runs on a half-right file.
 * Durations may be given in ms, as the shipped scenarios do, or as Go durations like "2s",
 * the one way Vault (and `vaultlab up`) writes them.
 */
import {
  actsOnEtcd,
  actsOnStorage,
  actsOnZone,
  FAULT_KINDS,
  labNodeNames,
  MAX_NODES,
  parseGoDuration,
  type BalancerMode,
  type FaultKind,
} from '../lab/index.ts';
import { TOPOLOGY_PRESETS } from '../net/index.ts';
import type { CheckId } from './checker.ts';
import { CLIENT_ROUTES, type ClientRoute } from './drill-spec.ts';
import type { Expectation, Scenario, ScenarioBalancer, ScenarioStep } from './scenario.ts';

const CHECKS: readonly CheckId[] = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'];
const MAX_CLIENTS = 64;
const DURATION_HINT = 'must be a duration like "2s" or "500ms" (or a number of ms)';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects the errors of one file, each prefixed by the path of its field. */
class Problems {
  readonly list: string[] = [];
  /** Records a problem; gives back undefined, so a field's checker can `return p.add(...)` for "no value". */
  add(path: string, message: string): undefined {
    this.list.push(`${path}: ${message}`);
    return undefined;
  }
  /** Complains about fields that are not in `known` (a typo otherwise silently does nothing). */
  unknownFields(path: string, o: Obj, known: readonly string[]): void {
    for (const k of Object.keys(o))
      if (!known.includes(k)) this.add(`${path}${path ? '.' : ''}${k}`, `unknown field (expected one of ${known.join(', ')})`);
  }
  /** A duration in ms, from a number of ms or a string like "2s"; undefined (and a problem) when it is neither. */
  duration(path: string, v: unknown, min: number): number | undefined {
    const ms = typeof v === 'number' ? v : typeof v === 'string' ? parseGoDuration(v) : undefined;
    if (ms === undefined || !Number.isFinite(ms)) return this.add(path, DURATION_HINT);
    if (ms < min) return this.add(path, min > 0 ? 'must be longer than 0' : 'must not be negative');
    return ms;
  }
  /** A whole number within [min, max]. */
  whole(path: string, v: unknown, min: number, max: number): number | undefined {
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    return this.add(path, `must be a whole number from ${min} to ${max}`);
  }
  /** A number within [min, max]. */
  fraction(path: string, v: unknown, min: number, max: number): number | undefined {
    if (typeof v === 'number' && v >= min && v <= max) return v;
    return this.add(path, `must be a number from ${min} to ${max}`);
  }
}

/** The scenario a user's file describes, or every problem with it. */
export function checkScenario(raw: unknown): { scenario: Scenario } | { errors: string[] } {
  const p = new Problems();
  if (!isObj(raw)) return { errors: ['the file must hold one scenario object: { "name": ..., "description": ..., "steps": [...] }'] };
  p.unknownFields('', raw, ['name', 'summary', 'description', 'nodes', 'fencing', 'topology', 'balancer', 'processes', 'steps']);
  if (typeof raw.name !== 'string' || !/^[a-z0-9-]+$/.test(raw.name)) p.add('name', 'must be kebab-case, like "my-drill"');
  for (const text of ['summary', 'description'] as const)
    if (raw[text] !== undefined && typeof raw[text] !== 'string') p.add(text, 'must be a string');
  const nodes = raw.nodes === undefined ? 3 : p.whole('nodes', raw.nodes, 1, MAX_NODES);
  if (raw.fencing !== undefined && typeof raw.fencing !== 'boolean') p.add('fencing', 'must be true or false');
  if (raw.processes !== undefined && typeof raw.processes !== 'boolean') p.add('processes', 'must be true or false');
  const zones = checkTopology(p, raw.topology);
  const balancer = raw.balancer === undefined ? undefined : checkBalancer(p, raw.balancer);
  const steps: ScenarioStep[] = [];
  if (!Array.isArray(raw.steps) || raw.steps.length === 0) p.add('steps', 'must be a non-empty list of steps');
  else
    raw.steps.forEach((s, i) =>
      steps.push(...checkStep(p, `steps[${i}]`, s, { nodes: nodes ?? MAX_NODES, zones, processes: raw.processes === true })),
    );
  if (!zones && steps.some((s) => s.do === 'expect' && s.that === 'active-in-another-zone'))
    p.add('steps', 'active-in-another-zone needs a topology: set "topology" to a preset');
  for (const x of ['redirect-loop', 'sealed-behind-balancer'])
    if (raw.balancer === undefined && steps.some((s) => s.do === 'expect' && s.that === x))
      p.add('steps', `${x} needs a balancer: set "balancer" to { "mode": "active" } or { "mode": "standby-ok" }`);
  if (Array.isArray(raw.steps) && raw.steps.length && !raw.steps.some((s) => isObj(s) && s.do === 'wait'))
    p.add('steps', 'need at least one { "do": "wait" } step, or the drill lasts 0 ms');
  if (p.list.length) return { errors: p.list };
  const scenario: Scenario = { name: raw.name as string, description: (raw.description as string | undefined) ?? '', steps };
  if (typeof raw.summary === 'string') scenario.summary = raw.summary;
  if (raw.nodes !== undefined) scenario.nodes = nodes;
  if (raw.fencing !== undefined) scenario.fencing = raw.fencing as boolean;
  if (zones) scenario.topology = raw.topology as string;
  if (balancer) scenario.balancer = balancer;
  if (raw.processes === true) scenario.processes = true;
  return {
    scenario: { ...scenario, expectViolation: steps.some((s) => s.do === 'expect' && typeof s.that === 'object' && 'violation' in s.that) },
  };
}

/** The zones of the scenario's topology preset; undefined when it names none (or a bad one, recorded). */
function checkTopology(p: Problems, topology: unknown): readonly string[] | undefined {
  if (topology === undefined) return undefined;
  if (typeof topology === 'string' && Object.hasOwn(TOPOLOGY_PRESETS, topology)) return TOPOLOGY_PRESETS[topology]!.zones;
  return p.add('topology', `must be one of ${Object.keys(TOPOLOGY_PRESETS).join(', ')}`);
}

/** The balancer in front: its mode, its check and whether the nodes advertise it; undefined (recorded) when bad. */
function checkBalancer(p: Problems, b: unknown): ScenarioBalancer | undefined {
  if (!isObj(b)) return p.add('balancer', 'must be an object like { "mode": "active", "interMs": "2s", "fall": 3, "rise": 2 }');
  const before = p.list.length;
  p.unknownFields('balancer', b, ['mode', 'interMs', 'fall', 'rise', 'advertise']);
  if (b.mode !== 'active' && b.mode !== 'standby-ok') p.add('balancer.mode', 'must be "active" or "standby-ok"');
  const out: ScenarioBalancer = { mode: b.mode as BalancerMode };
  if (b.interMs !== undefined) out.interMs = p.duration('balancer.interMs', b.interMs, 10);
  if (b.fall !== undefined) out.fall = p.whole('balancer.fall', b.fall, 1, 100);
  if (b.rise !== undefined) out.rise = p.whole('balancer.rise', b.rise, 1, 100);
  if (b.advertise !== undefined) {
    if (typeof b.advertise === 'boolean') out.advertise = b.advertise;
    else p.add('balancer.advertise', 'must be true or false');
  }
  return p.list.length === before ? out : undefined;
}

/** What a step may name: the scenario's nodes, and its topology's zones when it has one. */
interface StepScope {
  nodes: number;
  zones: readonly string[] | undefined;
  /** The scenario plays on node processes and etcd (its etcd faults need it). */
  processes: boolean;
}

/** Whom a fault of `kind` may name. */
function targetsOf(kind: FaultKind, scope: StepScope): string[] {
  if (actsOnStorage(kind)) return ['storage'];
  if (kind === 'etcd-quorum') return ['etcd'];
  if (actsOnEtcd(kind)) return ['leader', 'follower', 'etcd1', 'etcd2', 'etcd3'];
  return ['active', 'standby', ...labNodeNames(scope.nodes), ...(actsOnZone(kind) ? scope.zones! : [])];
}

const STEP_FIELDS: Record<string, readonly string[]> = {
  load: ['do', 'clients', 'keys', 'route'],
  'stop-load': ['do'],
  wait: ['do', 'ms'],
  fault: ['do', 'kind', 'target', 'forMs', 'latencyMs', 'jitter', 'errorRate'],
  expect: ['do', 'that'],
};

/** One step, checked; [] when it has problems (they are recorded). */
function checkStep(p: Problems, path: string, s: unknown, scope: StepScope): ScenarioStep[] {
  if (!isObj(s)) {
    p.add(path, 'must be an object like { "do": "wait", "ms": "1s" }');
    return [];
  }
  const fields = typeof s.do === 'string' && Object.hasOwn(STEP_FIELDS, s.do) ? STEP_FIELDS[s.do] : undefined;
  if (!fields) {
    p.add(`${path}.do`, `must be one of ${Object.keys(STEP_FIELDS).join(', ')}`);
    return [];
  }
  const before = p.list.length;
  p.unknownFields(path, s, fields);
  const step = buildStep(p, path, s, scope);
  return step && p.list.length === before ? [step] : [];
}

function buildStep(p: Problems, path: string, s: Obj, scope: StepScope): ScenarioStep | undefined {
  switch (s.do) {
    case 'load': {
      const clients = p.whole(`${path}.clients`, s.clients, 1, MAX_CLIENTS);
      const keys = s.keys === undefined ? undefined : p.whole(`${path}.keys`, s.keys, 1, 100);
      const route = s.route === undefined ? undefined : checkRoute(p, `${path}.route`, s.route);
      return clients === undefined ? undefined : { do: 'load', clients, ...(keys !== undefined && { keys }), ...(route && { route }) };
    }
    case 'stop-load':
      return { do: 'stop-load' };
    case 'wait': {
      const ms = p.duration(`${path}.ms`, s.ms, 1);
      return ms === undefined ? undefined : { do: 'wait', ms };
    }
    case 'fault':
      return checkFault(p, path, s, scope);
    default: {
      const that = checkExpectation(p, `${path}.that`, s.that);
      return that === undefined ? undefined : { do: 'expect', that };
    }
  }
}

function checkRoute(p: Problems, path: string, v: unknown): ClientRoute | undefined {
  if ((CLIENT_ROUTES as readonly unknown[]).includes(v)) return v as ClientRoute;
  return p.add(path, `must be one of ${CLIENT_ROUTES.map((r) => `"${r}"`).join(', ')}`);
}

function checkFault(p: Problems, path: string, s: Obj, scope: StepScope): ScenarioStep | undefined {
  if (!(FAULT_KINDS as readonly unknown[]).includes(s.kind)) return p.add(`${path}.kind`, `must be one of ${FAULT_KINDS.join(', ')}`);
  const kind = s.kind as FaultKind;
  if (actsOnZone(kind) && !scope.zones) return p.add(`${path}.kind`, `${kind} needs a topology: set "topology" to a preset`);
  if (actsOnEtcd(kind) && !scope.processes) return p.add(`${path}.kind`, `${kind} acts on etcd: set "processes" to true`);
  const step: Extract<ScenarioStep, { do: 'fault' }> = { do: 'fault', kind };
  const targets = targetsOf(kind, scope);
  if (s.target !== undefined) {
    if (typeof s.target === 'string' && targets.includes(s.target)) step.target = s.target;
    else p.add(`${path}.target`, `must be one of ${targets.join(', ')} for ${kind}`);
  }
  if (s.forMs !== undefined) step.forMs = p.duration(`${path}.forMs`, s.forMs, 0);
  const knob = (name: 'latencyMs' | 'jitter' | 'errorRate', only: FaultKind, max: number) => {
    if (s[name] === undefined) return;
    if (kind !== only) return p.add(`${path}.${name}`, `only goes with kind ${only}`);
    step[name] = name === 'latencyMs' ? p.duration(`${path}.${name}`, s[name], 0) : p.fraction(`${path}.${name}`, s[name], 0, max);
  };
  knob('latencyMs', 'slow-storage', Infinity);
  knob('jitter', 'slow-storage', 1);
  knob('errorRate', 'storage-errors', 1);
  return step;
}

const SIMPLE_EXPECTATIONS = [
  'active',
  'no-active',
  'lost-writes',
  'fenced-writes',
  'stale-redirects',
  'active-in-another-zone',
  'redirect-loop',
  'sealed-behind-balancer',
] as const;
const EXPECTATION_HINT = `must be one of ${SIMPLE_EXPECTATIONS.map((x) => `"${x}"`).join(', ')}, { "violation": "C2" }, { "newTerms": 1 } or { "downtimeAtMostMs": "2s" }`;

function checkExpectation(p: Problems, path: string, that: unknown): Expectation | undefined {
  if ((SIMPLE_EXPECTATIONS as readonly unknown[]).includes(that)) return that as Expectation;
  if (!isObj(that) || Object.keys(that).length !== 1) return p.add(path, EXPECTATION_HINT);
  if ('violation' in that) {
    if ((CHECKS as readonly unknown[]).includes(that.violation)) return { violation: that.violation as CheckId };
    return p.add(`${path}.violation`, `must be one of ${CHECKS.join(', ')}`);
  }
  if ('newTerms' in that) {
    const n = p.whole(`${path}.newTerms`, that.newTerms, 0, 1000);
    return n === undefined ? undefined : { newTerms: n };
  }
  if ('downtimeAtMostMs' in that) {
    const ms = p.duration(`${path}.downtimeAtMostMs`, that.downtimeAtMostMs, 0);
    return ms === undefined ? undefined : { downtimeAtMostMs: ms };
  }
  return p.add(path, EXPECTATION_HINT);
}
