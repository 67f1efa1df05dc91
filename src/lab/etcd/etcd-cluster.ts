/**
 * A real etcd cluster of N members, run as child processes on loopback, so the lab can store Vault's data in etcd and drill
 * its failures for real: kill or stop a member, lose quorum, pause one (SIGSTOP) like a hung machine, then bring it back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { freePort } from '../balancer/free-port.ts';
import { etcdBinary } from './etcd-binary.ts';

/** How to run a cluster. */
export interface EtcdClusterOptions {
  /** 1 to 7 members, named etcd1..etcdN. */
  members: number;
  /** Data directories (dir/etcdK) and logs (dir/etcdK.log) go here; the caller owns it and removes it. */
  dir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Two ports per member in order (client, peer); default: free ports. */
  ports?: number[];
  /**
   * Heartbeat 50 ms and election 500 ms (the defaults) make etcd's minimum lease TTL 1 s (it grants at least 1.5 × election
   * ticks × heartbeat, rounded up to whole seconds: 750 ms → 1 s), which the lab's 1 s lock TTL needs; etcd's 100/1000 gives 2 s.
   */
  heartbeatMs?: number;
  /** See heartbeatMs. */
  electionMs?: number;
  /** Keep each member's output in dir/etcdK.log, out of the terminal (default true); false discards it. */
  logFile?: boolean;
  /** How long start (and restart) may take; default 20 s. */
  startTimeoutMs?: number;
  /** The etcd binary; default etcdBinary(). */
  binary?: string;
}

/** One member as the cluster sees it now. */
export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly logPath: string;
  /** The running process, undefined once it has exited. */
  readonly pid: number | undefined;
  readonly state: 'running' | 'paused' | 'stopped';
}

/** One member's health, as `EtcdCluster.health()` reports it. */
export type EtcdMemberHealth = { name: string; healthy: boolean; leader: boolean };

type MemberRecord = { -readonly [K in keyof EtcdMember]: EtcdMember[K] };
type Probe = (m: MemberRecord, signal: AbortSignal) => Promise<boolean>;
type MemberList = { members?: Array<{ ID?: string; name?: string }> };
type Settings = Required<Omit<EtcdClusterOptions, 'members' | 'dir' | 'ports' | 'host'>> & { initialCluster: string; token: string };

const PROBE_TIMEOUT_MS = 1000;
const STOP_GRACE_MS = 5000;

/** A running etcd cluster. Start one with `EtcdCluster.start`; `close()` kills it. */
export class EtcdCluster {
  /** The members, in order etcd1..etcdN; a live view that changes as they stop and start. */
  readonly members: readonly EtcdMember[];
  private readonly children = new Map<string, ChildProcess>();
  private readonly exits = new Map<string, string>();
  /** Aborted (and replaced) when any member exits, so a start waiting on a probe fails at once. */
  private anyExit = new AbortController();
  private readonly killAllNow = (): void => this.children.forEach((child) => child.kill('SIGKILL'));
  private idNames: Map<string, string> | undefined;
  private closing: Promise<unknown> | undefined;

  private constructor(
    private readonly records: MemberRecord[],
    private readonly settings: Settings,
  ) {
    this.members = records;
    // A test that fails or a lab that crashes must not leave etcd running behind it.
    process.on('exit', this.killAllNow);
  }

  /** Starts every member and resolves once each answers /health with {"health":"true"}. */
  static async start(o: EtcdClusterOptions): Promise<EtcdCluster> {
    if (!Number.isInteger(o.members) || o.members < 1 || o.members > 7) throw new Error(`etcd members: 1 to 7, not ${o.members}`);
    const host = o.host ?? '127.0.0.1';
    const ports = o.ports ?? (await freePorts(host, 2 * o.members));
    if (ports.length !== 2 * o.members) throw new Error(`${o.members} etcd members need ${2 * o.members} ports, not ${ports.length}`);
    mkdirSync(o.dir, { recursive: true });
    const records = Array.from({ length: o.members }, (_, i) => memberRecord(`etcd${i + 1}`, o.dir, host, ports.slice(2 * i, 2 * i + 2)));
    const cluster = new EtcdCluster(records, {
      binary: o.binary ?? etcdBinary(),
      heartbeatMs: o.heartbeatMs ?? 50,
      electionMs: o.electionMs ?? 500,
      logFile: o.logFile ?? true,
      startTimeoutMs: o.startTimeoutMs ?? 20_000,
      initialCluster: records.map((m) => `${m.name}=${m.peerUrl}`).join(','),
      // A fresh token keeps members of this cluster from ever joining another lab's on a reused port.
      token: `vaultlab-${randomBytes(6).toString('hex')}`,
    });
    try {
      records.forEach((m) => cluster.spawnMember(m, 'new'));
      await cluster.waitUntil(records, (m, signal) => memberHealthy(m.clientUrl, signal), 'healthy');
    } catch (e) {
      await cluster.close();
      throw e;
    }
    return cluster;
  }

  /** The client URLs of all members. */
  endpoints(): string[] {
    return this.records.map((m) => m.clientUrl);
  }

  /** SIGKILLs a member (a crash) and waits for it to exit. */
  async kill(name: string): Promise<void> {
    await this.end(name, 'SIGKILL');
  }

  /** SIGTERMs a member (a clean shutdown) and waits for it to exit; SIGKILL after 5 s. */
  async stop(name: string): Promise<void> {
    await this.end(name, 'SIGTERM');
  }

  /**
   * Starts a stopped member again (same data dir and ports, --initial-cluster-state existing) and resolves once its client
   * port accepts connections. Not once /health answers: etcd 3.4 serves no client request, /health included, until the member
   * has published itself through raft, so one restarted into a cluster without quorum never answers. Poll health() for that.
   */
  async restart(name: string): Promise<void> {
    const m = this.record(name);
    if (m.state !== 'stopped') throw new Error(`etcd member ${name} is ${m.state}, not stopped`);
    this.spawnMember(m, 'existing');
    await this.waitUntil([m], (r) => listening(r.clientUrl), 'listening');
  }

  /** SIGSTOPs a member: it holds its ports but answers nothing, like a hung machine. */
  pause(name: string): void {
    this.child(name).kill('SIGSTOP');
    this.record(name).state = 'paused';
  }

  /** SIGCONTs a paused member. */
  resume(name: string): void {
    this.child(name).kill('SIGCONT');
    this.record(name).state = 'running';
  }

  /** The raft leader's name: the leader a quorum of members name, if it is running. */
  async leader(): Promise<string | undefined> {
    const running = this.records.filter((m) => m.state === 'running');
    const said = await Promise.all(running.map((m) => askEtcd<{ leader?: string }>(m.clientUrl, '/v3/maintenance/status', '{}')));
    const ids = said.map((s) => s?.leader).filter((id) => id !== undefined);
    // Members keep naming a dead leader until their election timeout: a quorum's word, and the leader running, rule that out.
    const id = ids.find((x) => ids.filter((y) => y === x).length > this.records.length / 2);
    const name = id && (await this.memberNames(running))?.get(id);
    return running.find((m) => m.name === name)?.name;
  }

  /** Each member's /health, and which one is the leader; a paused or stopped member is unhealthy. */
  async health(): Promise<EtcdMemberHealth[]> {
    const asked = this.records.map((m) => m.state === 'running' && memberHealthy(m.clientUrl));
    const [leader, healthy] = await Promise.all([this.leader(), Promise.all(asked)]);
    return this.records.map((m, i) => ({ name: m.name, healthy: healthy[i], leader: m.name === leader }));
  }

  /** SIGKILLs every member still running and waits for them to exit; the data directories stay. */
  async close(): Promise<void> {
    this.closing ??= Promise.all([...this.children.keys()].map((name) => this.end(name, 'SIGKILL')));
    await this.closing;
    process.off('exit', this.killAllNow);
  }

  /** Signals a member and waits for it to exit, SIGKILLing it after 5 s. */
  private async end(name: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const child = this.child(name);
    const exited = once(child, 'exit');
    child.kill(signal);
    // A paused process holds SIGTERM until it runs again; a leader's SIGTERM hands leadership over first, which can take seconds.
    if (this.record(name).state === 'paused') child.kill('SIGCONT');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited.finally(() => clearTimeout(timer));
  }

  /** Runs one member's etcd, its output appended to its log, and tracks its exit. */
  private spawnMember(m: MemberRecord, state: 'new' | 'existing'): void {
    if (this.closing) throw new Error('the etcd cluster is closed');
    const out = this.settings.logFile ? openSync(m.logPath, 'a') : 'ignore';
    const child = spawn(this.settings.binary, memberArgs(m, this.settings, state), { stdio: ['ignore', out, out], detached: false });
    if (typeof out === 'number') closeSync(out);
    this.children.set(m.name, child);
    Object.assign(m, { pid: child.pid, state: 'running' });
    const ended = (how: string): void => {
      if (this.children.get(m.name) !== child) return;
      this.children.delete(m.name);
      this.exits.set(m.name, how);
      this.anyExit.abort();
      this.anyExit = new AbortController();
      Object.assign(m, { pid: undefined, state: 'stopped' });
    };
    child.on('error', (e) => ended(e.message));
    child.once('exit', (code, signal) => ended(signal ?? `code ${code}`));
  }

  /** Polls until every given member is ready; fails at once when one exits, and at the start timeout. */
  private async waitUntil(waiting: MemberRecord[], ready: Probe, what: string): Promise<void> {
    const deadline = Date.now() + this.settings.startTimeoutMs;
    for (;;) {
      const exited = waiting.find((m) => m.state === 'stopped');
      if (exited) throw this.failure(exited, `exited (${this.exits.get(exited.name)}) before it was ${what}`);
      const probeMs = Math.max(1, Math.min(PROBE_TIMEOUT_MS, deadline - Date.now()));
      const signal = AbortSignal.any([AbortSignal.timeout(probeMs), this.anyExit.signal]);
      const done = await Promise.all(waiting.map((m) => ready(m, signal)));
      waiting = waiting.filter((_, i) => !done[i]);
      if (waiting.length === 0) return;
      if (Date.now() > deadline) throw this.failure(waiting[0], `was not ${what} within ${this.settings.startTimeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** An error about a member, with the last 20 lines of its log: etcd says there why it did not start. */
  private failure(m: MemberRecord, what: string): Error {
    if (!this.settings.logFile) return new Error(`etcd member ${m.name} ${what} (its output was not kept: logFile is false)`);
    const tail = existsSync(m.logPath) ? readFileSync(m.logPath, 'utf8').trimEnd().split('\n').slice(-20).join('\n') : '';
    return new Error(`etcd member ${m.name} ${what}; the end of ${m.logPath}:\n${tail}`);
  }

  /** Member IDs to names, from etcd's member list; kept once read, as the lab never adds or removes members. */
  private async memberNames(running: MemberRecord[]): Promise<Map<string, string> | undefined> {
    for (let i = 0; !this.idNames && i < running.length; i++) {
      const list = await askEtcd<MemberList>(running[i].clientUrl, '/v3/cluster/member/list', '{}');
      if (list?.members) this.idNames = new Map(list.members.map((x) => [x.ID ?? '', x.name ?? '']));
    }
    return this.idNames;
  }

  private record(name: string): MemberRecord {
    const m = this.records.find((r) => r.name === name);
    if (!m) throw new Error(`no etcd member ${name}: the members are ${this.records.map((r) => r.name).join(', ')}`);
    return m;
  }

  private child(name: string): ChildProcess {
    const child = this.children.get(this.record(name).name);
    if (!child) throw new Error(`etcd member ${name} is not running`);
    return child;
  }
}

/** A member's names, URLs and paths, before it first runs. */
function memberRecord(name: string, dir: string, host: string, [client, peer]: number[]): MemberRecord {
  const [clientUrl, peerUrl] = [`http://${host}:${client}`, `http://${host}:${peer}`];
  return { name, clientUrl, peerUrl, dataDir: join(dir, name), logPath: join(dir, `${name}.log`), pid: undefined, state: 'stopped' };
}

/** etcd's command line for one member. */
function memberArgs(m: MemberRecord, s: Settings, state: 'new' | 'existing'): string[] {
  const [client, peer] = [m.clientUrl, m.peerUrl];
  return [
    ...['--name', m.name, '--data-dir', m.dataDir, '--listen-client-urls', client, '--advertise-client-urls', client],
    ...['--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', s.initialCluster],
    ...['--initial-cluster-state', state, '--initial-cluster-token', s.token],
    ...['--heartbeat-interval', String(s.heartbeatMs), '--election-timeout', String(s.electionMs), '--max-txn-ops', '1024'],
    // zap to stderr: capnslog (3.4's default) is deprecated, and stderr keeps it out of journald under systemd.
    ...['--logger', 'zap', '--log-outputs', 'stderr'],
  ];
}

/** Distinct free ports: two probes in a row may be handed the same one. */
async function freePorts(host: string, count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort(host));
  return [...ports];
}

/** Whether a member answers /health with {"health":"true"} (etcd 3.4 sends a string, and a 503 with "false"). */
const memberHealthy = async (url: string, signal?: AbortSignal) =>
  (await askEtcd<{ health?: string }>(url, '/health', undefined, signal))?.health === 'true';

/** etcd's JSON answer (POST: its grpc-gateway, int64s as decimal strings), or undefined unless a 200 within a second. */
async function askEtcd<T>(clientUrl: string, path: string, body: string | undefined, signal?: AbortSignal): Promise<T | undefined> {
  try {
    const method = body === undefined ? 'GET' : 'POST';
    const res = await fetch(`${clientUrl}${path}`, { method, body, signal: signal ?? AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return res.ok ? ((await res.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether something accepts TCP connections at a URL's host and port. */
function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname, () => resolve(true)).once('error', () => resolve(false));
    socket.once('connect', () => socket.destroy());
  });
}
