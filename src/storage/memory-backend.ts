/**
 * The in-memory backend (memory-level): fast, and gone with the process; for tests, drills
 * in virtual time and `server -dev`. Values are copied in and out so a caller that wipes or
 * reuses a buffer cannot change what is stored, as with a backend on disk.
 */
import { MemoryLevel } from 'memory-level';
import { AbstractBackend, type AbstractBackendOptions, type KeyCursor } from './abstract-backend.ts';
import type { BatchOp } from './backend.ts';
import type { KeyRange } from './key-rules.ts';

/** Options of MemoryBackend. */
export type MemoryBackendOptions = AbstractBackendOptions;

/** A Backend and HABackend held in memory. */
export class MemoryBackend extends AbstractBackend {
  // storeEncoding 'view': values are kept as given (no Buffer transcoding); keys compare as UTF-8 bytes, as on disk.
  private readonly db = new MemoryLevel<string, Uint8Array>({ valueEncoding: 'view', storeEncoding: 'view' });

  /** Opens an empty in-memory backend. */
  static async open(opts: MemoryBackendOptions = {}): Promise<MemoryBackend> {
    const backend = new MemoryBackend(opts);
    await backend.open();
    return backend;
  }

  protected _open(): Promise<void> {
    return this.db.open();
  }

  protected _close(): Promise<void> {
    return this.db.close();
  }

  protected _get(key: string): Uint8Array | undefined {
    return this.db.getSync(key)?.slice();
  }

  protected _put(key: string, value: Uint8Array): Promise<void> {
    return this.db.put(key, value.slice());
  }

  protected _del(key: string): Promise<void> {
    return this.db.del(key);
  }

  protected _batch(ops: readonly BatchOp[]): Promise<void> {
    // memory-level applies a batch to a new version of its tree and swaps it in at once: all or nothing.
    return this.db.batch(
      ops.map((op) => (op.type === 'put' ? { type: 'put', key: op.key, value: op.value.slice() } : { type: 'del', key: op.key })),
    );
  }

  protected _keys(range: KeyRange): KeyCursor {
    return this.db.keys(range);
  }
}
