/**
 * Vault's errors, as typed values. Each carries a `code`; src/api owns the one table
 * that turns codes into HTTP statuses, so nothing ever matches on message text.
 * Messages are Vault's own wording: clients (node-vault, the Go CLI) show them verbatim.
 */

/** The code of every error a node reports; src/api maps each to one HTTP status. */
export type ErrorCode =
  | 'INVALID_REQUEST'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'NO_ROUTE'
  | 'UNSUPPORTED_PATH'
  | 'UNSUPPORTED_OPERATION'
  | 'CONFLICT'
  | 'SEALED'
  | 'STANDBY'
  | 'INTERNAL';

/** Base class of every error a node reports to a client. */
export class VaultError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
  /** The strings for `{"errors":[...]}`; empty for Vault's bare 404/405. */
  get errors(): string[] {
    return this.message ? [this.message] : [];
  }
}

/** 400: a request Vault refuses (Vault's logical.ErrInvalidRequest and ErrorResponse). */
export class BadRequestError extends VaultError {
  constructor(message: string) {
    super('INVALID_REQUEST', message);
  }
}

/** 403: no token, a bad token, or a policy that does not allow the operation. */
export class PermissionDeniedError extends VaultError {
  /** `wrapped` reproduces the multierror text Vault sends for ACL denials. */
  constructor(wrapped = false) {
    super('PERMISSION_DENIED', wrapped ? '1 error occurred:\n\t* permission denied\n\n' : 'permission denied');
  }
}

/** 404 with `{"errors":[]}`: nothing at this path. */
export class NotFoundError extends VaultError {
  constructor(message = '') {
    super('NOT_FOUND', message);
  }
}

/** 404: no mount serves this path. */
export class NoRouteError extends VaultError {
  constructor(path: string) {
    super('NO_ROUTE', `no handler for route ${JSON.stringify(path)}. route entry not found.`);
  }
}

/**
 * 404: a mount serves the path's prefix, but its engine has no path like it (Vault's
 * logical.ErrUnsupportedPath, in the multierror text the router wraps it in). Clients read
 * a 404 as "invalid path"; 405 is only for a path that exists without this operation.
 */
export class UnsupportedPathError extends VaultError {
  constructor() {
    super('UNSUPPORTED_PATH', '1 error occurred:\n\t* unsupported path\n\n');
  }
}

/** 405: the operation is not supported at this path. */
export class UnsupportedOperationError extends VaultError {
  constructor(message = 'unsupported operation') {
    super('UNSUPPORTED_OPERATION', message);
  }
}

/** 409: the path is taken (Vault's CodedError(409) when an auth method is enabled where one already is). */
export class ConflictError extends VaultError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** 503: the node is sealed (or uninitialized) and the path needs an unsealed node. */
export class SealedError extends VaultError {
  constructor() {
    super('SEALED', 'Vault is sealed');
  }
}

/** 500: the node is a standby and cannot serve this itself. */
export class StandbyError extends VaultError {
  constructor(message = 'node is not active') {
    super('STANDBY', message);
  }
}

/** 500: an internal failure (storage, decryption); the message never holds key material. */
export class InternalError extends VaultError {
  constructor(message: string) {
    super('INTERNAL', message);
  }
}
