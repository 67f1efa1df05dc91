/**
 * The embedded default backend: LevelDB on disk through the `level` package (classic-level
 * on Node), one directory per lab. By default writes do not fsync (`sync: false`, LevelDB's
 * write() semantics): they survive a process crash but the last ones may be lost on power
 * loss, the speed trade-off the benchmark is run with. `sync: true` fsyncs the log before a
 * write is acknowledged, as Vault's raft and etcd backends do (the bench measures the cost).
 * Before opening, the logs are checked for a torn tail, which LevelDB would drop in silence.
 *
 * A write that fails (a full disk) leaves LevelDB's log ending in a partial record, or holding
 * a background error that fails every later write. LevelDB would go on appending after the
 * partial record, and its next open drops everything from there to the end of the block:
 * acknowledged writes, lost in silence (seen on a full tmpfs). So after a failed write no
 * write reaches the database until it has been reopened, which folds the log into a table
 * and starts a clean one; it is reopened once the disk has room for that. Reads go on
 * meanwhile, waiting only for the reopen itself.
 */
import { mkdir, readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { Level } from 'level';
import { AbstractBackend, type AbstractBackendOptions, type KeyCursor } from './abstract-backend.ts';
import type { BatchOp } from './backend.ts';
import { StorageIoError, type StorageError } from './errors.ts';
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

/** Room a reopen needs beyond the logs it folds into a table: a new (empty) log, a new manifest, slack. */
const REOPEN_SLACK = 64 * 1024;

/** A Backend and HABackend on a LevelDB directory. */
export class LevelBackend extends AbstractBackend {
  /** The LevelDB directory. */
  readonly path: string;
  /** Whether every write is fsynced before it is acknowledged. */
  readonly sync: boolean;
  /** Made in _open, not here: a new Level opens itself on the next tick, and its recovery would delete the logs being checked. */
  private db!: Level<string, Uint8Array>;
  private readonly writeOptions: { sync: boolean };
  /** The failed write that left the log suspect (or the reopen that failed after it); set until the database is reopened. */
  private damaged: StorageIoError | StorageError | undefined;
  /** The reopen in progress: reads, lists and writes wait for it. */
  private reopening: Promise<void> | undefined;
  /** The group collecting this turn's writes (group commit). */
  private pending: Group | undefined;
  /** The group being written: the next one waits for it. */
  private committing: Promise<void> | undefined;

  constructor(opts: LevelBackendOptions) {
    super(opts);
    this.path = opts.path;
    this.sync = opts.sync ?? false;
    this.writeOptions = { sync: this.sync };
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
    this.db = new Level<string, Uint8Array>(this.path, { valueEncoding: 'view' });
    try {
      await this.db.open();
    } catch (err) {
      throw openError(this.path, err);
    }
  }

  protected _close(): Promise<void> {
    return this.db.close();
  }

  protected _get(key: string): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    if (this.reopening)
      return this.reopening.then(
        () => this.getNow(key),
        () => this.getNow(key),
      );
    return this.getNow(key);
  }

  protected _put(key: string, value: Uint8Array): Promise<void> {
    return this.commit([{ type: 'put', key, value }]);
  }

  protected _del(key: string): Promise<void> {
    return this.commit([{ type: 'delete', key }]);
  }

  protected _batch(ops: readonly BatchOp[]): Promise<void> {
    return this.commit(ops);
  }

  protected _keys(range: KeyRange): KeyCursor {
    if (!this.reopening) return this.db.keys(range);
    return deferredCursor(
      this.reopening.then(
        () => this.db.keys(range),
        () => this.db.keys(range),
      ),
    );
  }

  /** The database's batch: one LevelDB write, all or nothing (a seam where tests make the disk fill up). */
  protected dbBatch(ops: readonly BatchOp[], options: { sync: boolean }): Promise<void> {
    return this.db.batch(
      ops.map((op) => (op.type === 'put' ? { type: 'put', key: op.key, value: op.value } : { type: 'del', key: op.key })),
      options,
    );
  }

  /** Bytes free for this directory (a seam where tests keep the disk full). */
  protected async freeBytes(): Promise<number> {
    const fs = await statfs(this.path);
    return fs.bavail * fs.bsize;
  }

  private getNow(key: string): Uint8Array | undefined {
    let v: Uint8Array | undefined;
    try {
      v = this.db.getSync(key);
    } catch (err) {
      throw ioError('read', err);
    }
    // classic-level hands back a Buffer; the contract is plain bytes, the same type on every backend.
    return v && new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }

  /**
   * Group commit: every write accepted in one turn of the event loop joins one group, written
   * as one LevelDB batch (one log record, one fsync with `sync`) once the group before it is
   * written. A write is acknowledged only when its group's batch is, and a failed batch fails
   * every write in it. Fencing is unchanged: each write was judged when storage accepted it,
   * before it joined a group, so a stale term never rides along with a valid one.
   */
  private commit(ops: readonly BatchOp[]): Promise<void> {
    let group = this.pending;
    if (!group) {
      group = this.pending = newGroup();
      const ready = this.committing;
      const flush = () => (this.committing = this.write(group!));
      setImmediate(() => (ready ? ready.then(flush) : flush()));
    }
    group.ops.push(...ops);
    return group.done;
  }

  /** Writes a closed group; settles its writers; never rejects (the next group waits on it). */
  private async write(group: Group): Promise<void> {
    if (this.pending === group) this.pending = undefined;
    try {
      await this.writable();
    } catch (err) {
      return group.fail(err);
    }
    try {
      await this.dbBatch(group.ops, this.writeOptions);
      group.succeed();
    } catch (err) {
      group.fail(this.databaseWriteFailed(err));
    }
  }

  private databaseWriteFailed(err: unknown): StorageError {
    const failure = ioError('write', err);
    this.damaged ??= failure;
    return failure;
  }

  /** Resolves once writes may reach the database: at once normally, after a reopen when a write failed. */
  private async writable(): Promise<void> {
    if (!this.reopening) {
      const damaged = this.damaged;
      if (!damaged) return;
      const need = (await this.logBytes()) + REOPEN_SLACK;
      const free = await this.freeBytes();
      if (free < need) {
        const said = damaged instanceof StorageIoError ? damaged.detail : damaged.message;
        throw new StorageIoError(
          'write',
          `${said} (writes resume once the disk has room to reopen the database: ${need} bytes needed, ${free} free)`,
          { cause: damaged },
        );
      }
      // Another write may have started the reopen while this one measured the disk.
      this.reopening ??= this.reopen().finally(() => (this.reopening = undefined));
    }
    await this.reopening;
  }

  /** Closes and opens the database: recovery drops the partial record and starts a clean log. */
  private async reopen(): Promise<void> {
    if (!this.damaged) return;
    await this.db.close();
    try {
      await this.db.open();
    } catch (err) {
      throw (this.damaged = openError(this.path, err));
    }
    this.damaged = undefined;
  }

  private async logBytes(): Promise<number> {
    let total = 0;
    for (const name of await readdir(this.path))
      if (/^\d+\.log$/.test(name)) total += (await stat(join(this.path, name)).catch(() => ({ size: 0 }))).size;
    return total;
  }
}

/** Writes committed together, and their writers' promise. */
interface Group {
  readonly ops: BatchOp[];
  readonly done: Promise<void>;
  succeed(): void;
  fail(err: unknown): void;
}

function newGroup(): Group {
  let succeed!: () => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => ((succeed = resolve), (fail = reject)));
  // Every writer of the group gets its own rejection through `done`; this handler only keeps an unread one quiet.
  done.catch(() => undefined);
  return { ops: [], done, succeed, fail };
}

/** A cursor made once a reopen is over; a seek asked for before then is applied first. */
function deferredCursor(ready: Promise<KeyCursor>): KeyCursor {
  let cursor: KeyCursor | undefined;
  let target: string | undefined;
  return {
    async nextv(size) {
      cursor ??= await ready;
      if (target !== undefined) cursor.seek(target);
      target = undefined;
      return cursor.nextv(size);
    },
    seek(to) {
      if (cursor) cursor.seek(to);
      else target = to;
    },
    async close() {
      await (cursor ?? (await ready)).close();
    },
  };
}
