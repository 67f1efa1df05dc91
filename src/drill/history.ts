/**
 * The history of a drill: every client operation (invoke and completion, Knossos-style:
 * ok, fail, or info when the outcome is unknown) and every cluster event (node states,
 * lock acquisitions, what storage accepted or fenced, faults). The checker reads only this.
 */

/** A client operation's invocation. */
export interface Invoke {
  t: number;
  kind: 'invoke';
  op: number;
  client: number;
  node: string;
  type: 'put' | 'get';
  key: string;
  value?: string;
}

/** A client operation's completion. `version` is the KV v2 version written or read. */
export interface Complete {
  t: number;
  kind: 'ok' | 'fail' | 'info';
  op: number;
  value?: string | null;
  version?: number;
  error?: string;
}

/** Something the cluster did. */
export type ClusterEvent =
  | { t: number; kind: 'state'; node: string; from: string; to: string }
  | { t: number; kind: 'lock'; holder: string; event: string; term: number }
  | { t: number; kind: 'storageWrite'; key: string; term?: number }
  | { t: number; kind: 'fenced'; key: string; term: number }
  | { t: number; kind: 'fault'; name: string; target: string; on: boolean };

/** One history entry. */
export type HistoryEvent = Invoke | Complete | ClusterEvent;

/** An append-only history with operation ids. */
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
}
