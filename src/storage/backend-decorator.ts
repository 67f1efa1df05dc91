/**
 * The shape shared by the fault injectors (Vault's sdk/physical latency.go and error.go
 * wrap any Backend the same way): every call first passes a gate, then goes to the inner
 * backend. A gate that returns undefined lets the call straight through, with no extra
 * promise hop, so an idle injector costs nothing on the request path and does not change
 * the interleaving of a drill. When the inner backend is an HABackend, the decorator is one
 * too: lock handles pass the same gate (a partitioned node's renew fails as well).
 */
import { isHABackend, type Backend, type BatchOp, type HABackend, type Lock, type WriteOptions } from './backend.ts';

/** A gate: undefined to pass at once, or a promise that delays (resolves) or fails (rejects) the call. */
export type Gate = () => Promise<void> | undefined;

/** Runs `call` once `wait` (a gate's answer) resolves, or at once when there is nothing to wait for. */
export function behind<T>(wait: Promise<void> | undefined, call: () => Promise<T>): Promise<T> {
  return wait ? wait.then(call) : call();
}

/** A Lock whose every call passes `gate` first. */
export function gatedLock(lock: Lock, gate: Gate): Lock {
  return {
    acquire: (signal) => behind(gate(), () => lock.acquire(signal)),
    renew: () => behind(gate(), () => lock.renew()),
    release: () => behind(gate(), () => lock.release()),
    value: () => behind(gate(), () => lock.value()),
  };
}

/** A Backend around another, with a gate before each call; HA when the inner backend is. */
export abstract class BackendDecorator implements Backend {
  /** Present (a gated HABackend.lock) only when the inner backend is HA, so isHABackend() tells the truth. */
  readonly lock?: HABackend['lock'];
  /** Present only when the inner backend is HA; fencing is a setting, not a storage call, so it is not gated. */
  readonly setFencing?: HABackend['setFencing'];
  readonly fences?: HABackend['fences'];

  constructor(protected readonly inner: Backend) {
    if (isHABackend(inner)) {
      this.lock = (key, value, opts) => gatedLock(inner.lock(key, value, opts), () => this.gate());
      this.setFencing = (on) => inner.setFencing(on);
      this.fences = () => inner.fences();
    }
  }

  /** The fault this decorator injects before a call. */
  protected abstract gate(): Promise<void> | undefined;

  /** True while gate() would let every call through at once: no delay, no random draw, no failure. */
  protected abstract idle(): boolean;

  /**
   * True while this decorator and every one beneath it are idle, so a call may go straight to
   * the backend under them all and nothing a drill can see changes. Read at every call: a fault
   * set later applies to the next call.
   */
  passesThrough(): boolean {
    return this.idle() && (!(this.inner instanceof BackendDecorator) || this.inner.passesThrough());
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return behind(this.gate(), () => this.inner.get(key));
  }

  put(key: string, value: Uint8Array, opts?: WriteOptions): Promise<void> {
    return behind(this.gate(), () => this.inner.put(key, value, opts));
  }

  delete(key: string, opts?: WriteOptions): Promise<void> {
    return behind(this.gate(), () => this.inner.delete(key, opts));
  }

  batch(ops: readonly BatchOp[], opts?: WriteOptions): Promise<void> {
    return behind(this.gate(), () => this.inner.batch(ops, opts));
  }

  list(prefix: string): Promise<string[]> {
    return behind(this.gate(), () => this.inner.list(prefix));
  }

  /** Closes the inner backend: a decorator owns what it wraps. */
  close(): Promise<void> {
    return this.inner.close();
  }
}
