/**
 * The flags of `vaultlab up`, checked before anything starts: each refusal names the flag
 * and the value as typed. The lock TTL and renew interval override the chosen timing
 * profile, as Vault's own knobs do on Consul (session_ttl, lock_wait_time).
 */
import { TIMING_PROFILES, withLockTtl, type Timings } from '../ha/index.ts';
import { readTopologyFile, TOPOLOGY_PRESETS, type Topology } from '../net/index.ts';
import { balancerCheck, type BalancerCheck, type BalancerKind, type BalancerMode } from './balancer/index.ts';
import { parseGoDuration } from '../net/words-door.ts';
import { parseEtcdUrls } from './etcd/etcd-urls.ts';
import { highestPort, MAX_NODES, MIN_BASE_PORT } from './port-plan.ts';

/** The flags as typed. */
export interface UpFlags {
  nodes: string;
  /** Default: level, or etcd with --processes. */
  storage?: string;
  basePort: string;
  timings: string;
  lockTtl?: string;
  renewInterval?: string;
  /** A preset's name or a topology file's path. */
  topology?: string;
  /** `--lb` bare (true) or its words: active, standby-ok, builtin, haproxy, comma-separated. */
  lb?: string | true;
  lbInter?: string;
  lbFall?: string;
  lbRise?: string;
  /** `--api-addr lb`: every node advertises the balancer. */
  apiAddr?: string;
  /** Each node its own process (`--processes`). */
  processes?: boolean;
  /** An etcd cluster's client URLs, comma-separated (`--etcd`): the lab starts none of its own. */
  etcd?: string;
}

/** The balancer `up` puts in front, once checked. */
export interface BalancerChoice {
  kind: BalancerKind;
  mode: BalancerMode;
  check: BalancerCheck;
  /** Every node advertises the balancer as its api_addr. */
  advertise: boolean;
}

/** The flags once checked. */
export interface UpChoice {
  nodes: number;
  storage: 'level' | 'memory' | 'etcd';
  /** Each node its own `vaultlab server` process (process-lab.ts). */
  processes: boolean;
  /** The etcd the user runs (client URLs); none: a process lab on etcd starts its own. */
  etcdUrls?: string[];
  basePort: number;
  profile: string;
  timings: Timings;
  /** Where the nodes sit; none: no links (today's loopback lab, no proxies). */
  topology?: Topology;
  /** A load balancer in front; none: clients dial the nodes. */
  balancer?: BalancerChoice;
}

/** The shortest lock TTL: below it a loaded machine misses renewals and the lock changes hands for nothing. */
export const MIN_LOCK_TTL_MS = 100;
/** The longest lock TTL (one hour): longer than any lesson. */
export const MAX_LOCK_TTL_MS = 3_600_000;

const bad = (flag: string, rule: string, value: string) => new Error(`${flag} must be ${rule}, not ${JSON.stringify(value)}`);

function wholeNumber(flag: string, value: string, min: number, max: number, rule: string): number {
  const n = /^[0-9]{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw bad(flag, rule, value);
  return n;
}

function checkBasePort(value: string, nodes: number): number {
  const top = 65535 - highestPort(0, nodes);
  const rule = `0 (any free ports) or a port from ${MIN_BASE_PORT} to ${top} (a ${nodes}-node lab uses base … base + ${highestPort(0, nodes)})`;
  if (value === '0') return 0;
  return wholeNumber('--base-port', value, MIN_BASE_PORT, top, rule);
}

function duration(flag: string, value: string, min: number, max: number): number {
  const ms = parseGoDuration(value);
  if (ms === undefined || ms < min || ms > max)
    throw bad(flag, `a duration from ${min}ms to ${max / 60_000}m, such as 1s, 500ms or 15s`, value);
  return Math.round(ms);
}

/** The profile's timings with the lock TTL and renew interval the flags give. */
function effectiveTimings(profile: Timings, lockTtl?: string, renewInterval?: string): Timings {
  const ttl = lockTtl === undefined ? profile.lockTtlMs : duration('--lock-ttl', lockTtl, MIN_LOCK_TTL_MS, MAX_LOCK_TTL_MS);
  let t = lockTtl === undefined ? { ...profile } : withLockTtl(profile, ttl);
  // A session storage keeps beyond the TTL keeps its proportion (Consul: up to twice the TTL).
  if (lockTtl !== undefined && profile.sessionExpiryMs) t.sessionExpiryMs = Math.round((profile.sessionExpiryMs / profile.lockTtlMs) * ttl);
  if (renewInterval !== undefined) {
    const renew = duration('--renew-interval', renewInterval, 1, MAX_LOCK_TTL_MS);
    // The active stops serving a tenth of a TTL before its lease ends: a renewal later than that comes too late every time.
    const latest = ttl - ttl / 10;
    if (renew >= latest)
      throw new Error(
        `--renew-interval ${JSON.stringify(renewInterval)} must be shorter than 90% of the lock TTL (${latest} ms): the active stops serving a tenth of a TTL before its lease ends`,
      );
    t = { ...t, renewIntervalMs: renew };
  }
  return t;
}

/** A preset by name, else a topology file (JSON or HCL); the refusal names the flag, the value and the presets. */
export function topologyNamed(value: string): Topology {
  if (Object.hasOwn(TOPOLOGY_PRESETS, value)) return TOPOLOGY_PRESETS[value]!;
  const choices = `${Object.keys(TOPOLOGY_PRESETS).join(', ')} or a topology file (JSON or HCL)`;
  try {
    return readTopologyFile(value);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new Error(`${bad('--topology', choices, value).message} (no such preset or file)`);
    if (err.code === 'EISDIR') throw new Error(`${bad('--topology', choices, value).message} (a directory)`);
    if (err.code === 'BAD_TOPOLOGY_FILE')
      throw new Error(`--topology ${JSON.stringify(value)} is not a valid topology file:\n${err.message}`);
    throw new Error(`--topology ${JSON.stringify(value)}: cannot read the file: ${err.message}`);
  }
}

const LB_WORDS = 'active or standby-ok, optionally with builtin or haproxy (e.g. --lb haproxy,standby-ok)';

/** `--lb`'s words: a mode and an implementation, each at most once. */
function balancerWords(value: string | true): { kind: BalancerKind; mode: BalancerMode } {
  let kind: BalancerKind | undefined;
  let mode: BalancerMode | undefined;
  for (const word of value === true ? [] : value.split(',').map((w) => w.trim())) {
    if ((word === 'active' || word === 'standby-ok') && mode === undefined) mode = word;
    else if ((word === 'builtin' || word === 'haproxy') && kind === undefined) kind = word;
    else throw bad('--lb', LB_WORDS, value as string);
  }
  return { kind: kind ?? 'builtin', mode: mode ?? 'active' };
}

/** The balancer flags, or none without --lb (then its companions are refused: they would do nothing). */
function checkBalancer(f: UpFlags): BalancerChoice | undefined {
  if (f.lb === undefined) {
    const stray = (['lbInter', 'lbFall', 'lbRise'] as const).find((k) => f[k] !== undefined);
    if (stray) throw new Error(`--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} sets the balancer's check: it needs --lb`);
    if (f.apiAddr !== undefined) throw new Error('--api-addr lb makes every node advertise the balancer: it needs --lb');
    return undefined;
  }
  const { kind, mode } = balancerWords(f.lb);
  const whole = (flag: string, v: string | undefined) =>
    v === undefined ? undefined : wholeNumber(flag, v, 1, 100, 'a whole number from 1 to 100');
  const check = balancerCheck({
    interMs: f.lbInter === undefined ? undefined : duration('--lb-inter', f.lbInter, 10, 60_000),
    fall: whole('--lb-fall', f.lbFall),
    rise: whole('--lb-rise', f.lbRise),
  });
  if (f.apiAddr !== undefined && f.apiAddr !== 'lb') throw bad('--api-addr', 'lb (every node advertises the balancer)', f.apiAddr);
  return { kind, mode, check, advertise: f.apiAddr === 'lb' };
}

/** Checks every flag of `up`; throws, having started nothing, on the first bad one. */
export function checkUpFlags(f: UpFlags): UpChoice {
  const nodes = wholeNumber('--nodes', f.nodes, 1, MAX_NODES, `a whole number from 1 to ${MAX_NODES}`);
  const processes = f.processes === true;
  const storage = f.storage ?? (processes ? 'etcd' : 'level');
  if (storage !== 'level' && storage !== 'memory' && storage !== 'etcd') throw bad('--storage', 'level, memory or etcd', storage);
  const etcdUrls = checkProcesses(f, processes, storage, nodes);
  const basePort = checkBasePort(f.basePort, nodes);
  const profile = Object.hasOwn(TIMING_PROFILES, f.timings) ? TIMING_PROFILES[f.timings] : undefined;
  if (!profile) throw bad('--timings', `one of ${Object.keys(TIMING_PROFILES).join(', ')}`, f.timings);
  const timings = effectiveTimings(profile, f.lockTtl, f.renewInterval);
  const topology = f.topology === undefined ? undefined : topologyNamed(f.topology);
  const balancer = checkBalancer(f);
  if (processes && (topology || balancer))
    throw new Error(`--processes does not combine with ${topology ? '--topology' : '--lb'} yet: its nodes talk over plain loopback`);
  return { nodes, storage, processes, etcdUrls, basePort, profile: f.timings, timings, topology, balancer };
}

/** The rules of a process lab's storage: etcd for any number of nodes, level for one; the etcd URLs when given. */
function checkProcesses(f: UpFlags, processes: boolean, storage: string, nodes: number): string[] | undefined {
  if (!processes) {
    if (storage === 'etcd') throw new Error('--storage etcd runs each node as its own process: add --processes');
    if (f.etcd !== undefined) throw new Error('--etcd names the etcd of a process lab: add --processes');
    return undefined;
  }
  if (storage === 'memory')
    throw new Error('--storage memory lives inside one process: a process lab runs on etcd (or level, with one node)');
  if (storage === 'level' && nodes > 1)
    throw new Error(
      `--storage level opens in one process only (LevelDB locks its directory), so a process lab on it has one node, not ${nodes}: use --storage etcd, or --nodes 1`,
    );
  if (f.etcd === undefined) return undefined;
  if (storage !== 'etcd') throw new Error('--etcd names an etcd cluster: it needs --storage etcd');
  const { urls, bad: wrong } = parseEtcdUrls(f.etcd);
  if (wrong !== undefined) throw bad('--etcd', 'client URLs such as http://127.0.0.1:2379, comma-separated', f.etcd);
  return urls;
}
