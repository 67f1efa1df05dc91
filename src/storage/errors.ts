/** Storage errors carry codes (STORAGE_*), so callers match on code, never on text. */

/** Why a database would not open. */
export type OpenFailure = 'STORAGE_LOCKED' | 'STORAGE_CORRUPT' | 'STORAGE_OPEN_FAILED';

/** The code of every storage error; src/api maps each to one HTTP status. */
export type StorageErrorCode =
  'STORAGE_FENCED' | 'STORAGE_LOCK_LOST' | 'STORAGE_INVALID_KEY' | 'STORAGE_FAULT' | 'STORAGE_CLOSED' | 'STORAGE_IO' | OpenFailure;

/** Base class of every storage error. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** A write whose term is older than the lock's term (a stale active). */
export class FencedWriteError extends StorageError {
  constructor(
    readonly term: number,
    readonly currentTerm: number,
  ) {
    super('STORAGE_FENCED', `write refused: term ${term} is older than the lock's term ${currentTerm}`);
  }
}

/** A renew or release from a handle that no longer holds the lock. */
export class LockLostError extends StorageError {
  constructor(message = 'lock lost') {
    super('STORAGE_LOCK_LOST', message);
  }
}

/**
 * A key that is empty, or has empty or relative ('.', '..') segments. The message does not
 * repeat the key: storage keys hold mount ids and salted token hashes, and this error can
 * reach a client; callers that know the client's path say it in those words (`key` is for logs).
 */
export class InvalidKeyError extends StorageError {
  constructor(readonly key: string) {
    super('STORAGE_INVALID_KEY', 'invalid storage key: a path segment is empty, "." or ".."');
  }
}

/** A fault injected by the lab (error rate, partition). */
export class InjectedFaultError extends StorageError {
  constructor(message = 'injected storage fault') {
    super('STORAGE_FAULT', message);
  }
}

/** A call on a backend that is not open yet or was closed. */
export class BackendClosedError extends StorageError {
  constructor(message = 'storage backend is closed') {
    super('STORAGE_CLOSED', message);
  }
}

/**
 * The database failed a read or a write: a full disk, an I/O error. The message is the
 * database's own (LevelDB names the file and the OS error, "No space left on device"); the
 * original error is the `cause`.
 */
export class StorageIoError extends StorageError {
  constructor(
    readonly op: 'read' | 'write',
    /** The database's words ("IO error: …/000003.log: No space left on device"). */
    readonly detail: string,
    options: ErrorOptions,
  ) {
    super('STORAGE_IO', `storage ${op} failed: ${detail}`, options);
  }
}

/** The database would not open: its LOCK is held, a file is corrupt, or a file is missing or unreadable. */
export class StorageOpenError extends StorageError {
  constructor(
    override readonly code: OpenFailure,
    message: string,
    options: ErrorOptions,
  ) {
    super(code, message, options);
  }
}
