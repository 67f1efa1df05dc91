/**
 * Where a file audit device writes: a file, stdout, or nowhere (`discard`), as Vault's file
 * sink allows. The file is opened in append mode for every line rather than held open:
 * a path that stopped being writable (removed, turned into a directory, its directory made
 * read-only) fails the very next entry, and a rotated file is picked up without a reload.
 * Vault holds the file open, reopens it once when a write fails, and on SIGHUP.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** A device's output; `write` throws when the line could not be written. */
export interface AuditSink {
  write(line: string): void;
}

/** The file mode Vault gives a new audit file. */
export const DEFAULT_FILE_MODE = 0o600;

/** Go's text for the errno values a file open can fail with. */
const GO_ERRNO: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EPERM: 'operation not permitted',
};

/** A Node file error as Go's os package words it: `open <path>: <reason>`. */
function goOpenError(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return `open ${path}: ${GO_ERRNO[code] ?? (err instanceof Error ? err.message : String(err))}`;
}

/** Appends each line to a file, creating it (and its directory) as Vault's sink does. */
class FileSink implements AuditSink {
  constructor(
    private readonly path: string,
    private readonly mode: number,
  ) {}

  write(line: string): void {
    try {
      this.append(line);
    } catch (err) {
      throw new Error(`unable to open file for sink: ${goOpenError(this.path, err)}`);
    }
  }

  /** The directory is made only when missing, so a line costs one open, write and close. */
  private append(line: string): void {
    try {
      appendFileSync(this.path, line, { mode: this.mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      appendFileSync(this.path, line, { mode: this.mode });
    }
  }
}

const stdoutSink: AuditSink = { write: (line) => void process.stdout.write(line) };
const discardSink: AuditSink = { write: () => undefined };

/** The sink for a `file_path`: `stdout` and `discard` (any case) are Vault's keywords. */
export function createSink(filePath: string, mode: number): AuditSink {
  const p = filePath.trim();
  if (p.toLowerCase() === 'stdout') return stdoutSink;
  if (p.toLowerCase() === 'discard') return discardSink;
  return new FileSink(p, mode);
}
