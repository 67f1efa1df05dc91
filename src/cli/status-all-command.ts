/**
 * `vaultlab status --all`: every lab node in one table (or Vault's snake_case JSON), the HA
 * lock (holder, term, lease left) and the faults acting on each node; with -watch it redraws
 * in place every INTERVAL until Ctrl-C, as `watch` would, so a failover can be seen happening.
 */
import {
  formatMs,
  parseGoDuration,
  type BalancerStatus,
  type LabStatus,
  type LockStatus,
  type NodeStatus,
  type ProcessesStatus,
} from '../lab/client-door.ts';
import { columnize } from './columnize.ts';
import { control } from './lab-control.ts';
import { dataText, out, outData, UsageError, type Format } from './output.ts';
import { troubleLines } from './trouble-lines.ts';

/** The default redraw interval of -watch. */
const DEFAULT_WATCH_MS = 1000;
/** The shortest redraw interval: faster than a terminal is read, and a load on the lab. */
const MIN_WATCH_MS = 100;

const HEADERS = ['Node', 'Address', 'Initialized', 'Sealed', 'Unseal Progress', 'HA Mode', 'Active Node', 'Term', 'Faults'];

function row(n: NodeStatus): string[] {
  if (n.ha_mode === 'down' || n.ha_mode === 'paused')
    return [n.name, n.api_address, '-', '-', '-', n.ha_mode, '-', '-', n.faults.join(',') || '-'];
  const progress = n.sealed && n.t ? `${n.progress}/${n.t}` : 'n/a';
  const active = n.ha_mode === 'active' || n.ha_mode === 'standby' ? n.leader_address || '<none>' : '-';
  return [
    n.name,
    n.api_address,
    String(n.initialized),
    String(n.sealed),
    progress,
    n.ha_mode,
    active,
    n.term ? String(n.term) : '-',
    n.faults.join(',') || '-',
  ];
}

/** The lock line: "Lock: node1, term 3, lease 0.62 s left (TTL 1 s, renewed every 333 ms)". */
function lockLine(lock: LockStatus, nodes: NodeStatus[]): string {
  const knobs = `(TTL ${formatMs(lock.ttl_ms)}, renewed every ${formatMs(lock.renew_interval_ms)})`;
  if (lock.error) return `Lock: unknown, storage did not answer: ${lock.error} ${knobs}`;
  if (!lock.held) return `Lock: free, no holder ${knobs}`;
  const down = nodes.find((n) => n.name === lock.holder)?.ha_mode === 'down' ? ' (down: its lease runs out unrenewed)' : '';
  const left = lock.lease_remaining_ms === null ? '' : `, lease ${(lock.lease_remaining_ms / 1000).toFixed(2)} s left`;
  return `Lock: ${lock.holder}${down}, term ${lock.term}${left} ${knobs}`;
}

/**
 * The node table; a lab with a topology gets a Zone column after the address, and a lab with
 * a balancer an LB Check column: each node's check state as the balancer sees it.
 */
function nodeTable(nodes: NodeStatus[], balancer: BalancerStatus | undefined): string {
  const zoned = nodes.some((n) => n.zone !== undefined);
  const withZone = (cells: string[], zone: string) => (zoned ? [...cells.slice(0, 2), zone, ...cells.slice(2)] : cells);
  const withCheck = (cells: string[], check: string) => (balancer ? [...cells.slice(0, -1), check, cells.at(-1)!] : cells);
  const checkOf = (name: string) => {
    const s = balancer?.servers.find((x) => x.name === name);
    return s ? [s.status, s.last_check].filter(Boolean).join(' · ') : '-';
  };
  return columnize(
    withCheck(withZone(HEADERS, 'Zone'), 'LB Check'),
    nodes.map((n) => withCheck(withZone(row(n), n.zone ?? '-'), checkOf(n.name))),
  );
}

/** The balancer line: "Balancer: http://127.0.0.1:8208 (built-in, active: inter 2s fall 3 rise 2)". */
function balancerLine(b: BalancerStatus): string {
  const problem = b.error ? `; its servers could not be read: ${b.error}` : '';
  return `Balancer: ${b.url} (${b.kind === 'haproxy' ? 'HAProxy' : 'built-in'}, ${b.mode}: ${b.check})${problem}`;
}

/** A process lab's processes: each node's pid, state and config, each etcd member's pid, state and health. */
function processTable(p: ProcessesStatus): string[] {
  const nodes = p.nodes.map((n) => [n.name, n.pid === null ? '-' : String(n.pid), n.state, n.config]);
  const etcd = p.etcd.map((m) => {
    const health = m.state === 'stopped' ? '' : ` (${m.healthy ? 'healthy' : 'unhealthy'}${m.leader ? ', leader' : ''})`;
    return [m.name, m.pid === null ? '-' : String(m.pid), m.state, `${m.client_url}${health}`];
  });
  const external =
    p.etcd.length === 0 && p.etcd_endpoints.length > 0 ? [`etcd: ${p.etcd_endpoints.join(',')} (not started by the lab)`] : [];
  return ['', columnize(['Process', 'Pid', 'State', 'Config or Address'], [...nodes, ...etcd]), ...external];
}

/** The table, the lock line, the balancer's, a process lab's processes and any trouble, as one frame. */
function statusTable(s: LabStatus): string {
  const balancer = s.balancer ? [balancerLine(s.balancer)] : [];
  const processes = s.processes ? processTable(s.processes) : [];
  return [nodeTable(s.nodes, s.balancer), '', lockLine(s.lock, s.nodes), ...balancer, ...processes, ...troubleLines(s.trouble)].join('\n');
}

/** The JSON form: Vault's snake_case, numbers as numbers, the lock as its own object. */
function statusData(s: LabStatus): Record<string, unknown> {
  const t = s.trouble;
  return {
    nodes: s.nodes,
    lock: s.lock,
    ...(s.balancer ? { balancer: s.balancer } : {}),
    ...(s.processes ? { processes: s.processes } : {}),
    storage_failure: t.storageFailure ? { since: new Date(t.storageFailure.since).toISOString(), message: t.storageFailure.message } : null,
    storage_warnings: t.storageWarnings,
    campaign_failures: t.campaigns,
  };
}

/** Parses -watch's value: true (no value) is the default interval; anything else a Go duration. */
function watchInterval(v: string | true): number {
  if (v === true) return DEFAULT_WATCH_MS;
  const ms = parseGoDuration(v);
  if (ms === undefined || ms < MIN_WATCH_MS)
    throw new UsageError(`-watch must be a duration of at least ${MIN_WATCH_MS}ms, such as 1s or 500ms, not ${JSON.stringify(v)}`);
  return ms;
}

/** Prints the status once; exit 0. */
export async function statusAll(format: Format, watch?: string | true): Promise<number> {
  if (watch !== undefined) return watchStatus(format, watchInterval(watch));
  const s = (await control('GET', 'status')) as LabStatus;
  if (format !== 'table') outData(statusData(s), format);
  else out(statusTable(s));
  return 0;
}

/** One frame of -watch: the status, or why there is none (the lab may come back: keep watching). */
async function frame(format: Format, intervalMs: number): Promise<string> {
  const head = `Every ${formatMs(intervalMs)}: vaultlab status --all    ${new Date().toISOString()}\n\n`;
  try {
    const s = (await control('GET', 'status')) as LabStatus;
    return head + (format === 'table' ? statusTable(s) : dataText(statusData(s), format));
  } catch (e) {
    return `${head}Error: ${(e as Error).message}`;
  }
}

/** Redraws every interval until SIGINT or SIGTERM: in place on a terminal (clear screen), else frames one after another. */
async function watchStatus(format: Format, intervalMs: number): Promise<number> {
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const tty = process.stdout.isTTY;
  let running = true;
  void stopped.then(() => (running = false));
  while (running) {
    const text = await frame(format, intervalMs);
    if (!running) break;
    process.stdout.write(tty ? `\u001b[H\u001b[2J${text}\n` : `${text}\n\n`);
    await Promise.race([stopped, new Promise((r) => setTimeout(r, intervalMs))]);
  }
  return 0;
}
