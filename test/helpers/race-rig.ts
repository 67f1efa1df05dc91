/**
 * A lab for fast-check scheduler races (T14): real nodes on memory storage in virtual
 * time, whose storage calls can be routed through an `fc.scheduler()` so the scheduler,
 * not the microtask queue, decides in which order the nodes' reads and writes land. The
 * drive loop alternates "let the scheduler release everything it can" with small clock
 * steps, within a bound of virtual time: the watchdog of Vault's TestGrabLockOrStop.
 */
import type fc from 'fast-check';
import { settle, SimClock } from '../../src/clock/index.ts';
import { LAB_TIMINGS } from '../../src/ha/index.ts';
import { Cluster } from '../../src/lab/index.ts';
import type { InitResult, NodeState } from '../../src/node/index.ts';
import type { StorageLink } from '../../src/storage/index.ts';

/** Every state a node may report: anything else is outside the machine. */
export const MACHINE_STATES: readonly NodeState[] = ['uninitialized', 'sealed', 'standby', 'active', 'stopped'];

/** A running lab for one race. */
export interface RaceLab {
  cluster: Cluster;
  clock: SimClock;
  init: InitResult;
  close(): Promise<void>;
}

/** Starts `nodes` nodes (no sockets), initializes them and unseals those named in `unseal`, in order, one at a time. */
export async function startRaceLab(nodes: number, unseal: string[]): Promise<RaceLab> {
  const clock = new SimClock();
  const cluster = await Cluster.start({ nodes, storage: 'memory', clock, listen: false, timings: LAB_TIMINGS });
  const init = await cluster.init(5, 3);
  for (const name of unseal) {
    await cluster.unseal(name, init.keys.slice(0, 3));
    await clock.advance(LAB_TIMINGS.leaderCheckMs);
  }
  return { cluster, clock, init, close: () => cluster.close() };
}

/**
 * Routes a node's storage reads and writes through the scheduler: each call waits for the
 * scheduler to release it before it reaches storage. Returns the function that undoes it.
 */
export function gateStorage(s: fc.Scheduler, link: StorageLink, name: string): () => void {
  const proto = Object.getPrototypeOf(link) as StorageLink;
  const gate =
    <A extends unknown[], T>(op: string, call: (...args: A) => Promise<T>) =>
    (...args: A): Promise<T> =>
      s.schedule(Promise.resolve(), `${name}:${op}`).then(() => call.apply(link, args));
  Object.assign(link, {
    get: gate('get', proto.get),
    put: gate('put', proto.put),
    delete: gate('delete', proto.delete),
    list: gate('list', proto.list),
  });
  return () => {
    for (const k of ['get', 'put', 'delete', 'list']) delete (link as unknown as Record<string, unknown>)[k];
  };
}

/** Schedules a lab action: the scheduler decides when it runs relative to everything else. */
export function act(s: fc.Scheduler, label: string, action: () => unknown): Promise<void> {
  return s.schedule(Promise.resolve(), label).then(async () => {
    await action();
  });
}

/** A promise's fate, readable synchronously. */
export interface Tracked<T> {
  done: boolean;
  value?: T;
  error?: unknown;
}

/** Tracks `p` without letting a rejection go unhandled. */
export function track<T>(p: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { done: false };
  p.then(
    (v) => Object.assign(t, { done: true, value: v }),
    (e) => Object.assign(t, { done: true, error: e }),
  );
  return t;
}

/**
 * Releases scheduled tasks until none are left, checks `atSettle`, and stops once `done()`
 * holds; otherwise moves virtual time by `stepMs` and goes again, for at most `maxMs`.
 * Returns whether `done()` held in time (false = the watchdog fired).
 */
export async function drive(
  s: fc.Scheduler,
  clock: SimClock,
  opts: { done: () => boolean; maxMs: number; stepMs?: number; atSettle?: () => void },
): Promise<boolean> {
  const deadline = clock.now() + opts.maxMs;
  for (;;) {
    do {
      await s.waitIdle();
      await settle();
    } while (s.count() > 0);
    opts.atSettle?.();
    if (opts.done()) return true;
    if (clock.now() >= deadline) return false;
    await clock.advance(opts.stepMs ?? 25);
  }
}

/** The order in which the scheduler released its tasks, as one string (to count distinct interleavings). */
export function interleaving(s: fc.Scheduler): string {
  return s
    .report()
    .filter((r) => r.status !== 'pending')
    .map((r) => r.label)
    .join(' ');
}

/** Counts, per property, the runs, the distinct interleavings and the end states seen. */
export class RaceTally {
  runs = 0;
  private readonly orders = new Set<string>();
  private readonly ends = new Map<string, number>();

  /** Records one run. */
  add(order: string, end: string): void {
    this.runs++;
    this.orders.add(order);
    this.ends.set(end, (this.ends.get(end) ?? 0) + 1);
  }

  /** One summary line. */
  line(name: string): string {
    const ends = [...this.ends]
      .sort((a, b) => b[1] - a[1])
      .map(([e, n]) => `${e} ×${n}`)
      .join(', ');
    return `T14 race ${name}: ${this.runs} runs, ${this.orders.size} distinct interleavings; end states: ${ends}\n`;
  }
}
