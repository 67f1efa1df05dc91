/**
 * The history of a drill (docs/invariants.md: the history): every client operation, Knossos-style
 * (an invocation, then ok, fail, or info when the outcome is unknown), and every cluster
 * event (node states, lock changes, what storage accepted or fenced, faults). The checker
 * reads only this, so a history saved as JSON lines can be checked again offline.
 * In one process the order of the array is the real order of events: virtual clocks
 * give many events the same `t`, so checks that need "happened before" use positions.
 */

/** What a client asked for: a KV v2 write or read of one key. */
export type OpType = 'put' | 'get';

/** A client operation's invocation. */
export interface Invoke {
  t: number;
  kind: 'invoke';
  op: number;
  client: number;
  /** The node the client sent it to. */
  node: string;
  /** That node's lock term when the request left (0 when it was not active). */
  term: number;
  type: OpType;
  key: string;
  /** The value written (puts only; unique per put, so a read names its writer). */
  value?: string;
}

/** How an operation ended: ok, fail (did not happen), info (may or may not have happened). */
export type Outcome = 'ok' | 'fail' | 'info';

/** A client operation's completion. `version` is the KV v2 version written or read. */
export interface Complete {
  t: number;
  kind: Outcome;
  op: number;
  /** The value read (gets; null when the key had none). */
  value?: string | null;
  version?: number;
  /** The HTTP status or error code that decided the outcome. */
  status?: number | string;
  error?: string;
  /** Set when the node asked answered with a redirect and the client followed it (redirect routing). */
  redirect?: FollowedRedirect;
}

/** A redirect a client followed, as it saw it: where the Location pointed, and whether anything listened there. */
export interface FollowedRedirect {
  /** The node whose api_addr the Location named (the address itself when no node of the drill has it). */
  to: string;
  /** The follow's connection was refused: nothing listens there (the node is down); nothing was written. */
  refused: boolean;
  /**
   * The Location named the very address the client had asked (a balancer that every node
   * advertises as its api_addr): following it starts the request over, the redirect loop.
   */
  loop?: boolean;
}

/** What happened to the HA lock, as storage saw it. */
export type LockChange = 'acquired' | 'renewed' | 'released' | 'lost' | 'expired';

/** Something the cluster did. */
export type ClusterEvent =
  | { t: number; kind: 'state'; node: string; from: string; to: string }
  | { t: number; kind: 'lock'; node: string; event: LockChange; term: number }
  | { t: number; kind: 'storageWrite'; key: string; term?: number; node?: string }
  | { t: number; kind: 'fenced'; key: string; term: number; node?: string }
  /** `nodes`: the nodes a fault on a zone cut off (a checker cannot derive them from the zone's name). */
  | { t: number; kind: 'fault'; name: string; target: string; on: boolean; nodes?: string[] }
  /** The balancer in front put a node in rotation or took it out; `check`: the check that decided ("L7STS 503"). */
  | { t: number; kind: 'balancer'; node: string; to: 'up' | 'down'; check: string };

/** One history entry. */
export type HistoryEvent = Invoke | Complete | ClusterEvent;

/** True for a completion entry. */
export function isComplete(e: HistoryEvent): e is Complete {
  return e.kind === 'ok' || e.kind === 'fail' || e.kind === 'info';
}

/** An append-only history that hands out operation ids. */
export class History {
  readonly events: HistoryEvent[] = [];
  private nextOp = 1;

  /** Records an invocation; returns its op id. */
  invoke(e: Omit<Invoke, 'kind' | 'op'>): number {
    const op = this.nextOp++;
    this.events.push({ ...e, kind: 'invoke', op });
    return op;
  }

  /** Records a completion. */
  complete(e: Complete): void {
    this.events.push(e);
  }

  /** Records a cluster event. */
  add(e: ClusterEvent): void {
    this.events.push(e);
  }

  /** The history as JSON lines (one event per line), so it can be checked again offline. */
  toJsonLines(): string {
    return this.events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  }
}

/** One client operation with the positions of its two entries (done is undefined while it runs). */
export interface Operation {
  invoke: Invoke;
  at: number;
  done?: Complete;
  doneAt?: number;
}

/** Pairs invocations with their completions, in invocation order. */
export function operations(events: readonly HistoryEvent[]): Operation[] {
  const byId = new Map<number, Operation>();
  events.forEach((e, i) => {
    if (e.kind === 'invoke') byId.set(e.op, { invoke: e, at: i });
    else if (isComplete(e)) {
      const o = byId.get(e.op);
      if (o && !o.done) Object.assign(o, { done: e, doneAt: i });
    }
  });
  return [...byId.values()];
}
