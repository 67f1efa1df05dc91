/** The one place that picks a backend by name (the lab's `storage` setting and the server config). */
import type { Clock } from '../clock/index.ts';
import type { AbstractBackend } from './abstract-backend.ts';
import type { EtcdBackend } from './etcd/etcd-backend.ts';
import type { EtcdBackendOptions } from './etcd/etcd-options.ts';
import { LevelBackend } from './level-backend.ts';
import { MemoryBackend } from './memory-backend.ts';

/** The embedded backends. */
export type BackendKind = 'memory' | 'level';

/** Options of createBackend. */
export interface BackendOptions {
  /** Directory of the level backend (required for 'level'). */
  path?: string;
  /** The clock of leases and lock waits (default: the wall clock). */
  clock?: Clock;
  /** Level only: fsync every write before acknowledging it (default false). */
  sync?: boolean;
}

/**
 * Opens a backend on etcd. The etcd client (gRPC) loads only here, on first use: labs on the
 * embedded backends, and every CLI verb, start without it.
 */
export async function createEtcdBackend(opts: EtcdBackendOptions): Promise<EtcdBackend> {
  const { EtcdBackend } = await import('./etcd/etcd-backend.ts');
  return EtcdBackend.open(opts);
}

/** Opens a backend of the given kind, ready to use. */
export async function createBackend(kind: BackendKind, opts: BackendOptions = {}): Promise<AbstractBackend> {
  if (kind === 'memory') return MemoryBackend.open({ clock: opts.clock });
  if (kind === 'level') {
    if (!opts.path) throw new TypeError('the level backend needs a path');
    return LevelBackend.open({ path: opts.path, clock: opts.clock, sync: opts.sync });
  }
  // Kinds also come from config files and the command line, past the type checker.
  throw new TypeError(`unknown storage backend ${JSON.stringify(kind)}`);
}
