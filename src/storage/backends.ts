/** The two embedded backends and the factory the lab uses. */
import { Level } from 'level';
import { MemoryLevel } from 'memory-level';
import type { Clock } from '../clock/index.ts';
import { LevelFamilyBackend } from './level-family-backend.ts';

/** In memory (memory-level): fast and gone with the process; for tests and `server -dev`. */
export class MemoryBackend extends LevelFamilyBackend {
  /** Opens an empty in-memory store. */
  static async open(clock?: Clock): Promise<MemoryBackend> {
    const b = new MemoryBackend(new MemoryLevel<string, Uint8Array>({ valueEncoding: 'view' }) as never, clock);
    await b.open();
    return b;
  }
}

/** On disk (level: LevelDB), the embedded default. */
export class LevelBackend extends LevelFamilyBackend {
  /** Opens (creating if needed) the LevelDB directory at `path`. */
  static async open(path: string, clock?: Clock): Promise<LevelBackend> {
    const b = new LevelBackend(new Level<string, Uint8Array>(path, { valueEncoding: 'view' }) as never, clock);
    await b.open();
    return b;
  }
}

/** Options of createBackend. */
export interface BackendOptions {
  /** Directory for the level backend. */
  path?: string;
  clock?: Clock;
}

/** Opens a backend by kind. */
export async function createBackend(kind: 'memory' | 'level', opts: BackendOptions = {}): Promise<LevelFamilyBackend> {
  if (kind === 'memory') return MemoryBackend.open(opts.clock);
  if (!opts.path) throw new Error('the level backend needs a path');
  return LevelBackend.open(opts.path, opts.clock);
}
