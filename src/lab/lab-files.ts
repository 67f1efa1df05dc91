/**
 * The files a lab keeps in its home (.vaultlab, or VAULTLAB_HOME), and who owns them. A run
 * of `vaultlab up` owns lab.lock (its pid), lab.json (how to reach it) and control.secret for
 * as long as it runs; init.json belongs to the storage it unlocks (level data outlives the
 * run, memory storage does not). A second run may never write over a live run's files, and
 * the keys of storage that still exists are never overwritten: without them its data can
 * never be unsealed again. Only node:fs here, so the CLI can read these without loading the lab.
 */
import { chmodSync, closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_SECRET_FILE } from './control-auth.ts';

/** The lock file: the pid of the `vaultlab up` that runs the lab in this home. */
export const LOCK_FILE = 'lab.lock';
/** How the other verbs reach the running lab. */
export const LAB_FILE = 'lab.json';
/** The saved sys/init answer: unseal keys and root token. */
export const KEYS_FILE = 'init.json';
/** The level backend's directory. */
export const DATA_DIR = 'data';
/** A process lab's node configs and logs (`up --processes`). */
export const PROCESSES_DIR = 'processes';
/** A process lab's own etcd: its members' data and ports. */
export const ETCD_DIR = 'etcd';
/** The token `vaultlab login` saved. */
export const TOKEN_FILE = 'token';
/** The folder of HAProxy's config and admin socket (`up --lb haproxy`): the config stays after the run, to read or take away. */
export const HAPROXY_DIR = 'haproxy';
/** The folder of a TLS lab's CA and node certificates and keys (`up --tls`), owned by the run. */
export const TLS_DIR = 'tls';

/** The saved sys/init response. */
export interface LabKeys {
  keys: string[];
  keys_base64: string[];
  root_token: string;
}

/** What `.vaultlab/lab.json` tells the other verbs about a running lab. */
export interface LabFile {
  pid: number;
  control: string;
  /** Which storage the lab runs on: a memory lab's keys die with it. */
  storage?: 'level' | 'memory' | 'etcd';
  /** Each node is its own process (`up --processes`). */
  processes?: true;
  /** With TLS (`up --tls`): the absolute path of the lab CA's certificate, what VAULT_CACERT names. */
  caCert?: string;
  /** With a topology (`up --topology`): its name. */
  topology?: string;
  /** Each node's API address (with a topology: its link's, the address clients use) and zone. */
  nodes: { name: string; apiAddr: string; zone?: string }[];
  /** With `up --lb`: where clients reach the balancer, which one, and HAProxy's config file. */
  balancer?: { url: string; kind: 'builtin' | 'haproxy'; mode: 'active' | 'standby-ok'; configFile?: string };
}

/** A file's text, or undefined when there is no such file (one read: no window between a check and the read). */
function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function readJsonIfPresent<T>(file: string): T | undefined {
  const text = readIfPresent(file);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

/** Reads the lab keys saved by `up`, if any. */
export function readLabKeys(home = '.vaultlab'): LabKeys | undefined {
  return readJsonIfPresent<LabKeys>(join(home, KEYS_FILE));
}

/** Reads the running lab's file, if any. */
export function readLabFile(home = '.vaultlab'): LabFile | undefined {
  return readJsonIfPresent<LabFile>(join(home, LAB_FILE));
}

/** Writes a file only its owner may read (keys, the lab file). */
export function writePrivate(file: string, body: string): void {
  writeFileSync(file, body, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in the lock file: undefined when there is no lock, NaN when it holds no pid. */
export function readLockPid(home: string): number | undefined {
  const text = readIfPresent(join(home, LOCK_FILE))?.trim();
  if (text === undefined) return undefined;
  return /^[0-9]{1,10}$/.test(text) ? Number(text) : NaN;
}

/** The pid of the live process running the lab in `home` (from its lock, else its lab file), if any. */
export function liveLabPid(home: string): number | undefined {
  const locked = readLockPid(home);
  if (locked !== undefined && (Number.isNaN(locked) || pidAlive(locked))) return locked;
  const file = readLabFile(home);
  return file && pidAlive(file.pid) ? file.pid : undefined;
}

/** The refusal to start a second lab over a live one (or to reset it). */
export class LabBusyError extends Error {}

/** Says who runs the lab in `home` and how to get past it. */
export function busyMessage(home: string, pid: number, doing: string): string {
  const control = readLabFile(home)?.control;
  const who = Number.isNaN(pid) ? `${join(home, LOCK_FILE)} holds no pid` : `pid ${pid}${control ? `, control ${control}` : ''}`;
  return `a lab is already running in ${home} (${who}): ${doing}. Stop it with "vaultlab down", or set VAULTLAB_HOME to another directory`;
}

function createLock(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  writeSync(fd, `${process.pid}\n`);
  closeSync(fd);
  return true;
}

/**
 * Takes the home's lock for this process, atomically (O_EXCL). A lock whose process is gone
 * is stale: its files are removed and the lock taken over, and the note says so. A live
 * holder is refused (LabBusyError) with nothing in the home changed.
 */
export function takeLabLock(home: string): { note?: string } {
  const file = join(home, LOCK_FILE);
  if (createLock(file)) return {};
  const pid = readLockPid(home);
  if (pid === undefined || Number.isNaN(pid) || pidAlive(pid))
    throw new LabBusyError(busyMessage(home, pid ?? NaN, 'not starting another'));
  const removed = removeStaleFiles(home);
  // Two runs taking over the same stale lock at once: only one O_EXCL create succeeds.
  if (!createLock(file)) throw new LabBusyError(busyMessage(home, readLockPid(home) ?? NaN, 'not starting another'));
  return { note: `the lab of pid ${pid} was not running: removed its stale files (${removed.join(', ')})` };
}

/** Removes a run's TLS folder (its keys with it). */
export function removeLabTls(home: string): void {
  rmSync(join(home, TLS_DIR), { recursive: true, force: true });
}

/** Gives the lock back, if this process still holds it. */
export function releaseLabLock(home: string): void {
  if (readLockPid(home) === process.pid) rmSync(join(home, LOCK_FILE), { force: true });
}

/**
 * Removes what a run that is gone left behind: its lock, lab file, control secret and TLS folder, and
 * a memory lab's keys (its storage died with it). Level keys stay: their data is still there.
 * Returns the names removed.
 */
export function removeStaleFiles(home: string): string[] {
  const memory = readLabFile(home)?.storage === 'memory';
  const names = [LAB_FILE, CONTROL_SECRET_FILE, TLS_DIR, LOCK_FILE, ...(memory ? [KEYS_FILE] : [])];
  const removed = names.filter((n) => existsSync(join(home, n)));
  for (const n of removed) rmSync(join(home, n), { recursive: true, force: true });
  return removed;
}
