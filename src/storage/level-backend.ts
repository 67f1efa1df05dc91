/**
 * The embedded default backend: LevelDB on disk through the `level` package (classic-level
 * on Node), one directory per lab. By default writes do not fsync (`sync: false`, LevelDB's
 * write() semantics): they survive a process crash but the last ones may be lost on power
 * loss, the speed trade-off the benchmark is run with. `sync: true` fsyncs the log before a
 * write is acknowledged, as Vault's raft and etcd backends do (the bench measures the cost).
 * Before opening, the logs are checked for a torn tail, which LevelDB would drop in silence.
 */
import { mkdir } from 'node:fs/promises';
import { Level } from 'level';
import { AbstractBackend, type AbstractBackendOptions, type KeyCursor } from './abstract-backend.ts';
import type { KeyRange } from './key-rules.ts';
import { ioError, openError } from './level-errors.ts';
import { checkLevelLogs, describeDamage } from './level-log-check.ts';

/** Options of LevelBackend. */
export interface LevelBackendOptions extends AbstractBackendOptions {
  /** The LevelDB directory (created, with its parents, if missing). */
  path: string;
  /** Fsync the log before acknowledging each write (default false: a power cut may lose the last writes). */
  sync?: boolean;
}

/** A Backend and HABackend on a LevelDB directory. */
export class LevelBackend extends AbstractBackend {
  /** The LevelDB directory. */
  readonly path: string;
  /** Whether every write is fsynced before it is acknowledged. */
  readonly sync: boolean;
  private readonly db: Level<string, Uint8Array>;
  private readonly writeOptions: { sync: boolean };

  constructor(opts: LevelBackendOptions) {
    super(opts);
    this.path = opts.path;
    this.sync = opts.sync ?? false;
    this.writeOptions = { sync: this.sync };
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
    // Recovery folds the logs into a table and deletes them: a torn tail can only be seen now.
    for (const damage of await checkLevelLogs(this.path)) this.warnings.push(describeDamage(damage));
    try {
      await this.db.open();
    } catch (err) {
      throw openError(this.path, err);
    }
  }

  protected _close(): Promise<void> {
    return this.db.close();
  }

  protected _get(key: string): Uint8Array | undefined {
    let v: Uint8Array | undefined;
    try {
      v = this.db.getSync(key);
    } catch (err) {
      throw ioError('read', err);
    }
    // classic-level hands back a Buffer; the contract is plain bytes, the same type on every backend.
    return v && new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }

  protected _put(key: string, value: Uint8Array): Promise<void> {
    return this.db.put(key, value, this.writeOptions).catch(rethrowWrite);
  }

  protected _del(key: string): Promise<void> {
    return this.db.del(key, this.writeOptions).catch(rethrowWrite);
  }

  protected _keys(range: KeyRange): KeyCursor {
    return this.db.keys(range);
  }
}

function rethrowWrite(err: unknown): never {
  throw ioError('write', err);
}
