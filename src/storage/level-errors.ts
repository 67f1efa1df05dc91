/**
 * LevelDB's errors in storage's words. abstract-level wraps the cause of a failed open in a
 * bare "Database failed to open" (LEVEL_DATABASE_NOT_OPEN) and keeps LevelDB's own status
 * (which names the file: "IO error: lock …/LOCK: already held by process", "Corruption:
 * CURRENT file does not end with newline", "IO error: …/MANIFEST-000002: No such file or
 * directory", "IO error: …/000003.log: No space left on device") in `.cause`. These helpers
 * unwrap that chain by code, say what it means for the directory and keep the original as
 * the cause.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageIoError, StorageOpenError, type OpenFailure, type StorageError } from './errors.ts';

interface CodedError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The innermost error of a cause chain that still carries a LEVEL_* code (the most specific one). */
function innermost(err: unknown): CodedError {
  let found = err as CodedError;
  for (let e = err as CodedError | undefined, depth = 0; e && typeof e === 'object' && depth < 8; e = e.cause as CodedError | undefined, depth++) {
    if (typeof e.code === 'string' && e.code.startsWith('LEVEL_')) found = e;
  }
  return found;
}

/** The storage error for a database in `dir` that would not open. */
export function openError(dir: string, err: unknown): StorageError {
  const cause = innermost(err);
  const said = String(cause.message ?? err);
  const where = `cannot open the level storage in ${dir}`;
  let code: OpenFailure = 'STORAGE_OPEN_FAILED';
  let message = `${where}: ${said}`;
  if (cause.code === 'LEVEL_LOCKED') {
    code = 'STORAGE_LOCKED';
    message = `${where}: ${join(dir, 'LOCK')} is held by another open database (is another vaultlab running on this directory?): ${said}`;
  } else if (cause.code === 'LEVEL_CORRUPTION') {
    code = 'STORAGE_CORRUPT';
    message = `${where}: the database is corrupt: ${said}${manifestNote(dir)}; restore the directory from a backup`;
  }
  return new StorageOpenError(code, message, { cause: err });
}

/** The storage error for a failed read or write (a full disk, an I/O error): LevelDB's text names the file and the OS error. */
export function ioError(op: 'read' | 'write', err: unknown): StorageError {
  return new StorageIoError(op, String(innermost(err).message ?? err), { cause: err });
}

/** Which descriptor CURRENT points at: LevelDB's corruption messages say "descriptor" without naming it. */
function manifestNote(dir: string): string {
  try {
    const current = readFileSync(join(dir, 'CURRENT'), 'utf8');
    return /^MANIFEST-\d+\n$/.test(current) ? ` (the descriptor CURRENT names is ${join(dir, current.trim())})` : ` (${join(dir, 'CURRENT')} does not name a descriptor)`;
  } catch {
    return ` (${join(dir, 'CURRENT')} is unreadable)`;
  }
}
