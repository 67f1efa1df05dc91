/**
 * What storage tells the lab: lock changes, writes it accepted, writes it fenced, and when
 * the database starts or stops failing writes.
 * The drills' history checker and the lab's timeline judge the cluster from these, so
 * each event is emitted at the instant storage decided (synchronously, in the same tick
 * as the fencing check), never later when the disk write completes.
 */
import type { StorageErrorCode } from './errors.ts';

/** What happened to a lease. 'expired': its holder let it run out and another contender took it. */
export type LockEventKind = 'acquired' | 'renewed' | 'released' | 'lost' | 'expired';

/** A lease changed hands or was extended. */
export interface LockEvent {
  type: 'lock';
  event: LockEventKind;
  key: string;
  holder: string;
  term: number;
  expires: number;
}

/** Storage accepted a write (term undefined: an unfenced write). */
export interface WriteEvent {
  type: 'write';
  key: string;
  op: 'put' | 'delete';
  term?: number;
  /** etcd only: the revision the write landed at, storage's own order of writes across processes. */
  revision?: number;
}

/** Storage refused a write from a stale term (docs/invariants.md: single writer per term). */
export interface FencedEvent {
  type: 'fenced';
  key: string;
  term: number;
  currentTerm: number;
}

/** The database began failing writes (a full disk, an I/O error), or took one again after failing. */
export interface HealthEvent {
  type: 'health';
  /** Undefined once writes succeed again. */
  failure?: WriteFailure;
}

/** Why storage's writes are failing now. */
export interface WriteFailure {
  /** The error's code (STORAGE_IO for the database's own errors). */
  code: StorageErrorCode;
  /** The database's words: the file and the OS error ("No space left on device"). */
  message: string;
  /** When the first write of this run of failures failed (ms since epoch, on the backend's clock). */
  since: number;
  /** Writes failed since then. */
  failures: number;
}

/** Any storage event. */
export type StorageEvent = LockEvent | WriteEvent | FencedEvent | HealthEvent;

/** A subscriber to storage events. */
export type StorageListener = (e: StorageEvent) => void;

/** A small typed event hub (no EventEmitter: no string names, no 'error' special case). */
export class StorageEvents {
  /** Each listener with the event types it asked for (undefined: all of them). */
  private readonly listeners = new Map<StorageListener, ReadonlySet<StorageEvent['type']> | undefined>();
  /** How many listeners want each type (a listener for every type counts under each): plain fields, as the write path reads one per write. */
  private readonly wanting: Record<StorageEvent['type'], number> = { lock: 0, write: 0, fenced: 0, health: 0 };

  /**
   * Whether anyone listens to events of `type`, so the hot path can skip building the write
   * and lock events nobody reads (a listener for health alone, as the lab's status is, wants
   * neither).
   */
  wants(type: StorageEvent['type']): boolean {
    return this.wanting[type] > 0;
  }

  /** Subscribes `fn` to every event, or only to the types in `only`; returns the unsubscribe function. */
  on(fn: StorageListener, only?: ReadonlyArray<StorageEvent['type']>): () => void {
    if (this.listeners.has(fn)) return () => undefined;
    const types = new Set<StorageEvent['type']>(only ?? (Object.keys(this.wanting) as StorageEvent['type'][]));
    this.listeners.set(fn, only && types);
    for (const t of types) this.wanting[t]++;
    return () => {
      if (!this.listeners.delete(fn)) return;
      for (const t of types) this.wanting[t]--;
    };
  }

  /** Delivers `e` to every listener that wants its type. */
  emit(e: StorageEvent): void {
    for (const [fn, only] of this.listeners) {
      if (only && !only.has(e.type)) continue;
      try {
        fn(e);
      } catch (err) {
        // A failing listener must not stop a lock transition halfway; rethrown on its own tick so it stays loud.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
