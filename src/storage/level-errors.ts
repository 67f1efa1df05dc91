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

/** The LEVEL_* code of an error of the level stack (abstract-level's ModuleError), if it has one. */
function levelCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('LEVEL_') ? e.code : undefined;
}

/** The innermost error of a cause chain that still carries a LEVEL_* code (the most specific one), else `err` itself. */
function innermost(err: unknown): unknown {
  let found = err;
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (levelCode(e)) found = e;
  }
  return found;
}

/** What the innermost error says (LevelDB's own status, naming the file). */
function said(err: unknown): string {
  const cause = innermost(err);
  return cause instanceof Error ? cause.message : String(err);
}

/** The storage error for a database in `dir` that would not open. */
export function openError(dir: string, err: unknown): StorageError {
  const code = levelCode(innermost(err));
  const where = `cannot open the level storage in ${dir}`;
  const text = said(err);
  let failure: OpenFailure = 'STORAGE_OPEN_FAILED';
  let message = `${where}: ${text}`;
  if (code === 'LEVEL_LOCKED') {
    failure = 'STORAGE_LOCKED';
    message = `${where}: ${join(dir, 'LOCK')} is held by another open database (is another vaultlab running on this directory?): ${text}`;
  } else if (code === 'LEVEL_CORRUPTION') {
    failure = 'STORAGE_CORRUPT';
    message = `${where}: the database is corrupt: ${text}${manifestNote(dir)}; restore the directory from a backup`;
  }
  return new StorageOpenError(failure, message, { cause: err });
}

/** The storage error for a failed read or write (a full disk, an I/O error): LevelDB's text names the file and the OS error. */
export function ioError(op: 'read' | 'write', err: unknown): StorageError {
  return new StorageIoError(op, said(err), { cause: err });
}

/** Which descriptor CURRENT points at: LevelDB's corruption messages say "descriptor" without naming it. */
function manifestNote(dir: string): string {
  try {
    const current = readFileSync(join(dir, 'CURRENT'), 'utf8');
    return /^MANIFEST-\d+\n$/.test(current)
      ? ` (the descriptor CURRENT names is ${join(dir, current.trim())})`
      : ` (${join(dir, 'CURRENT')} does not name a descriptor)`;
  } catch {
    return ` (${join(dir, 'CURRENT')} is unreadable)`;
  }
}
