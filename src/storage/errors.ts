/** Storage errors carry codes (STORAGE_*), so callers match on code, never on text. */

/** Base class of every storage error. */
export class StorageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
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

/** A key that is empty, or has empty or relative ('.', '..') segments. */
export class InvalidKeyError extends StorageError {
  constructor(key: string) {
    super('STORAGE_INVALID_KEY', `invalid storage key ${JSON.stringify(key)}`);
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
