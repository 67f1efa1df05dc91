/**
 * Backends whose disk can fill up, for tests. The fault sits where a real full disk bites:
 * under the lock table, in the database writes (data, the `core/lock` mirror, the term key),
 * not in a decorator above the backend, which would also fail the lease renewals that never
 * touch the disk. The error is the one classic-level raises on a full filesystem (seen on a
 * 4 MiB tmpfs: code LEVEL_IO_ERROR, LevelDB naming its log file and the OS error): raised by
 * the level database's own put and del, or, for memory, put through the level translation.
 */
import { join } from 'node:path';
import { ioError } from '../../src/storage/level-errors.ts';
import {
  LevelBackend,
  MemoryBackend,
  type AbstractBackendOptions,
  type BatchOp,
  type LevelBackendOptions,
} from '../../src/storage/index.ts';

/** What classic-level throws for a write on a full disk. */
export function levelDiskFullError(dir: string): Error {
  return Object.assign(new Error(`IO error: ${join(dir, '000003.log')}: No space left on device`), { code: 'LEVEL_IO_ERROR' });
}

/** A switch for a disk: full or not. */
export interface Disk {
  full: boolean;
}

/** A memory backend with a disk that fills up (virtual-time tests need memory's determinism). */
export class FullDiskMemoryBackend extends MemoryBackend {
  readonly disk: Disk = { full: false };

  /** Opens one. */
  static async create(opts: AbstractBackendOptions = {}): Promise<FullDiskMemoryBackend> {
    const b = new FullDiskMemoryBackend(opts);
    await b.open();
    return b;
  }

  protected override _put(key: string, value: Uint8Array): Promise<void> {
    return this.disk.full ? Promise.reject(ioError('write', levelDiskFullError('/lab/data'))) : super._put(key, value);
  }

  protected override _del(key: string): Promise<void> {
    return this.disk.full ? Promise.reject(ioError('write', levelDiskFullError('/lab/data'))) : super._del(key);
  }

  protected override _batch(ops: readonly BatchOp[]): Promise<void> {
    return this.disk.full ? Promise.reject(ioError('write', levelDiskFullError('/lab/data'))) : super._batch(ops);
  }
}

/** A level backend with a disk that fills up: the database's own put and del fail, and statfs says nothing is free. */
export class FullDiskLevelBackend extends LevelBackend {
  readonly disk: Disk = { full: false };

  /** Opens one. */
  static async create(opts: LevelBackendOptions): Promise<FullDiskLevelBackend> {
    const b = new FullDiskLevelBackend(opts);
    await b.open();
    return b;
  }

  protected override dbBatch(ops: readonly BatchOp[], options: { sync: boolean }): Promise<void> {
    return this.disk.full ? Promise.reject(levelDiskFullError(this.path)) : super.dbBatch(ops, options);
  }

  protected override async freeBytes(): Promise<number> {
    return this.disk.full ? 0 : super.freeBytes();
  }
}
