/**
 * The in-memory backend: fast, and gone with the process; for tests, drills in virtual time
 * and `server -dev`. Values live in a Map, with a key index sorted only when a listing needs
 * it (SortedKeys): a write is a Map update and a copy of the value, nothing more. Values are
 * copied in and out so a caller that wipes or reuses a buffer cannot change what is stored,
 * as with a backend on disk.
 */
import { AbstractBackend, type AbstractBackendOptions, type KeyCursor } from './abstract-backend.ts';
import type { BatchOp } from './backend.ts';
import type { KeyRange } from './key-rules.ts';
import { SortedKeys } from './sorted-keys.ts';

/** Options of MemoryBackend. */
export type MemoryBackendOptions = AbstractBackendOptions;

const DONE: Promise<void> = Promise.resolve();
const SURROGATE = /[\uD800-\uDFFF]/;
const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * The key as LevelDB would store it: a lone surrogate has no UTF-8 form and is written as
 * U+FFFD, so two keys that differ only there are one key on disk, and must be here too.
 */
function storedKey(key: string): string {
  // Paired surrogates survive the round trip unchanged; only keys holding any pay for it.
  return SURROGATE.test(key) ? dec.decode(enc.encode(key)) : key;
}

/** A Backend and HABackend held in memory. */
export class MemoryBackend extends AbstractBackend {
  private readonly values = new Map<string, Uint8Array>();
  private readonly keys = new SortedKeys((key) => this.values.has(key));

  /** Opens an empty in-memory backend. */
  static async open(opts: MemoryBackendOptions = {}): Promise<MemoryBackend> {
    const backend = new MemoryBackend(opts);
    await backend.open();
    return backend;
  }

  protected _open(): Promise<void> {
    return DONE;
  }

  protected _close(): Promise<void> {
    this.values.clear();
    return DONE;
  }

  // Copies in and out with memory of their own (`new Uint8Array`, not `slice()`, which on a Buffer is a view):
  // a caller that wipes what it read or wrote must not reach what storage holds.
  protected _get(key: string): Uint8Array | undefined {
    const v = this.values.get(storedKey(key));
    return v && new Uint8Array(v);
  }

  protected _put(key: string, value: Uint8Array): Promise<void> {
    this.store(storedKey(key), new Uint8Array(value));
    return DONE;
  }

  protected _del(key: string): Promise<void> {
    this.remove(storedKey(key));
    return DONE;
  }

  protected _batch(ops: readonly BatchOp[]): Promise<void> {
    // Every value is copied before the first op is applied, and applying cannot fail: all or nothing, in one turn.
    const copies = ops.map((op) => (op.type === 'put' ? new Uint8Array(op.value) : undefined));
    ops.forEach((op, i) => (op.type === 'put' ? this.store(storedKey(op.key), copies[i]!) : this.remove(storedKey(op.key))));
    return DONE;
  }

  protected _keys(range: KeyRange): KeyCursor {
    return this.keys.cursor(range);
  }

  private store(key: string, copy: Uint8Array): void {
    if (!this.values.has(key)) this.keys.noteAdded(key);
    this.values.set(key, copy);
  }

  private remove(key: string): void {
    if (this.values.delete(key)) this.keys.noteRemoved();
  }
}
