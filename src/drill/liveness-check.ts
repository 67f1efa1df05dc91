/**
 * C6, liveness in virtual time (docs/invariants.md): whenever the cluster has no
 * live active but some node could take over, a new active must appear within 2 × TTL;
 * and leadership must not change hands when nothing provoked it (flapping, vault#18582).
 * A node that could take over is a standby that is not frozen, not cut off from storage
 * and not waiting out a step-down back-off. While storage as a whole is slow or failing
 * the clock stops: Vault promises nothing there, and it restarts when storage heals.
 */
import type { Violation } from './cluster-checks.ts';
import type { HistoryEvent } from './history.ts';

/** What the liveness check needs to know about the protocol's timings. */
export interface LivenessOptions {
  lockTtlMs: number;
  stepDownBackoffMs: number;
  /** When the history ends (an open gap is judged against this). */
  endTime: number;
}

/** Faults that make all of storage slow or unreliable. */
const STORAGE_WIDE = new Set(['slow-storage', 'storage-errors']);

interface World {
  state: Map<string, string>;
  paused: Set<string>;
  cutOff: Set<string>;
  backoffUntil: Map<string, number>;
  storageFaults: Set<string>;
}

function apply(w: World, e: HistoryEvent, backoffMs: number): void {
  if (e.kind === 'state') w.state.set(e.node, e.to);
  if (e.kind !== 'fault') return;
  // A zone's fault cuts off each node it names, as a partition from storage cuts off its one node.
  const set =
    e.name === 'pause'
      ? w.paused
      : e.name === 'partition-storage' || e.name === 'zone-down'
        ? w.cutOff
        : STORAGE_WIDE.has(e.name)
          ? w.storageFaults
          : undefined;
  for (const target of e.name === 'zone-down' ? (e.nodes ?? []) : [e.target]) {
    if (e.on) set?.add(target);
    else set?.delete(target);
  }
  if (e.name === 'step-down' && e.on) w.backoffUntil.set(e.target, e.t + backoffMs);
}

/** Is the cluster waiting for an active it could have? (undefined: there is a live active) */
function waiting(w: World, t: number): boolean | undefined {
  const nodes = [...w.state.keys()];
  if (nodes.some((n) => w.state.get(n) === 'active' && !w.paused.has(n))) return undefined;
  if (w.storageFaults.size) return false;
  return nodes.some((n) => w.state.get(n) === 'standby' && !w.paused.has(n) && !w.cutOff.has(n) && (w.backoffUntil.get(n) ?? 0) <= t);
}

/** C6 over one history, event by event: the world as the events leave it, and the gap without an active. */
class Liveness {
  private readonly w: World = { state: new Map(), paused: new Set(), cutOff: new Set(), backoffUntil: new Map(), storageFaults: new Set() };
  private readonly allowance: number;
  private readonly quiet: number;
  private gap: { from: number; e: HistoryEvent } | undefined;
  private lastFaultAt = -Infinity;
  private readonly faultsOn = new Set<string>();
  private acquisitions = 0;
  private prevT = -Infinity;

  constructor(private readonly o: LivenessOptions) {
    this.allowance = 2 * o.lockTtlMs;
    this.quiet = 2 * o.lockTtlMs + o.stepDownBackoffMs;
  }

  /** Takes the next event; the violation it completes, if any. */
  see(e: HistoryEvent): Violation | undefined {
    // A back-off that ends between two events makes a node a candidate at that instant.
    for (const until of this.backoffsEnding(e.t)) {
      const v = this.judge(until, undefined);
      if (v) return v;
    }
    this.prevT = e.t;
    const flapping = this.flapping(e);
    if (flapping) return flapping;
    apply(this.w, e, this.o.stepDownBackoffMs);
    return this.judge(e.t, e);
  }

  /** At the end of the history: a gap still open for longer than allowed. */
  end(): Violation | undefined {
    const { endTime } = this.o;
    for (const until of this.backoffsEnding(endTime)) this.judge(until, undefined);
    if (this.gap && waiting(this.w, endTime) === true && endTime - this.gap.from > this.allowance) {
      return {
        check: 'C6',
        message: `no active for ${Math.round(endTime - this.gap.from)} ms up to the end while a standby could take over (allowed ${this.allowance} ms)`,
        events: [this.gap.e],
      };
    }
    return undefined;
  }

  /** A new term with no fault on and none in the last `quiet` ms: leadership moved unprovoked. */
  private flapping(e: HistoryEvent): Violation | undefined {
    if (e.kind === 'fault') {
      this.lastFaultAt = e.t;
      const id = `${e.name}:${e.target}`;
      if (e.on) this.faultsOn.add(id);
      else this.faultsOn.delete(id);
    }
    const newTerm = e.kind === 'lock' && e.event === 'acquired' && this.acquisitions++ > 0;
    if (newTerm && !this.faultsOn.size && e.t - this.lastFaultAt > this.quiet) {
      return {
        check: 'C6',
        message: `leadership moved to ${e.node} (term ${e.term}) with no fault in the last ${this.quiet} ms (flapping)`,
        events: [e],
      };
    }
    return undefined;
  }

  private backoffsEnding(to: number): number[] {
    return [...this.w.backoffUntil.values()].filter((u) => u > this.prevT && u <= to).sort((a, b) => a - b);
  }

  /** Opens a gap when the cluster starts waiting for an active; closes it when it stops, too late if longer than allowed. */
  private judge(t: number, e: HistoryEvent | undefined): Violation | undefined {
    const wait = waiting(this.w, t);
    if (wait === true && !this.gap) {
      this.gap = { from: t, e: e ?? { t, kind: 'fault', name: 'back-off over', target: 'cluster', on: false } };
    }
    if (wait === true || !this.gap) return undefined;
    const open = this.gap;
    this.gap = undefined;
    if (wait === undefined && t - open.from > this.allowance) {
      return {
        check: 'C6',
        message: `no active for ${Math.round(t - open.from)} ms while a standby could take over (allowed ${this.allowance} ms)`,
        events: [open.e, ...(e ? [e] : [])],
      };
    }
    return undefined;
  }
}

/** C6: a new active within 2 × TTL whenever one is possible; no leadership change without a fault. */
export function checkLiveness(events: readonly HistoryEvent[], o: LivenessOptions): Violation | undefined {
  const liveness = new Liveness(o);
  for (const e of events) {
    const v = liveness.see(e);
    if (v) return v;
  }
  return liveness.end();
}
