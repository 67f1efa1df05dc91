/**
 * The embedded default backend: LevelDB on disk through the `level` package (classic-level
 * on Node), one directory per lab. Writes do not fsync (`sync: false`, LevelDB's write()
 * semantics): they survive a process crash but may be lost on power loss, the speed trade-off
 * the benchmark is run with (reliability.md T16).
 */
import { mkdir } from 'node:fs/promises';
import { Level } from 'level';
import { AbstractBackend, type AbstractBackendOptions, type KeyCursor } from './abstract-backend.ts';
import type { KeyRange } from './key-rules.ts';

/** Options of LevelBackend. */
export interface LevelBackendOptions extends AbstractBackendOptions {
  /** The LevelDB directory (created, with its parents, if missing). */
  path: string;
}

const WRITE = { sync: false } as const;

/** A Backend and HABackend on a LevelDB directory. */
export class LevelBackend extends AbstractBackend {
  /** The LevelDB directory. */
  readonly path: string;
  private readonly db: Level<string, Uint8Array>;

  constructor(opts: LevelBackendOptions) {
    super(opts);
    this.path = opts.path;
    this.db = new Level<string, Uint8Array>(opts.path, { valueEncoding: 'view' });
  }

  /** Opens (creating if needed) the LevelDB directory at `opts.path`. */
  static async open(opts: LevelBackendOptions): Promise<LevelBackend> {
    const backend = new LevelBackend(opts);
    await backend.open();
    return backend;
  }

  protected async _open(): Promise<void> {
    await mkdir(this.path, { recursive: true });
    await this.db.open();
  }

  protected _close(): Promise<void> {
    return this.db.close();
  }

  protected _get(key: string): Uint8Array | undefined {
    const v = this.db.getSync(key);
    // classic-level hands back a Buffer; the contract is plain bytes, the same type on every backend.
    return v && new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }

  protected _put(key: string, value: Uint8Array): Promise<void> {
    return this.db.put(key, value, WRITE);
  }

  protected _del(key: string): Promise<void> {
    return this.db.del(key, WRITE);
  }

  protected _keys(range: KeyRange): KeyCursor {
    return this.db.keys(range);
  }
}
