/**
 * The control plane's refusals as typed values. Each code has one HTTP status, so the
 * control server answers `{"errors":[...]}` from the code alone and the CLI turns a local
 * refusal into exit 1 by `instanceof`, never by reading the message. They are the lab's,
 * not a node's: their codes have this table, not the Vault API's.
 */

/** Why the control plane refused a request. */
export type ControlErrorCode =
  | 'CONTROL_UNAUTHENTICATED'
  | 'CONTROL_FORBIDDEN'
  | 'CONTROL_INVALID'
  | 'CONTROL_NO_ROUTE'
  | 'CONTROL_METHOD'
  | 'CONTROL_MEDIA_TYPE'
  | 'CONTROL_TOO_LARGE'
  | 'CONTROL_TIMEOUT';

/** The one status per refusal code. */
export const CONTROL_STATUS = {
  CONTROL_UNAUTHENTICATED: 401,
  CONTROL_FORBIDDEN: 403,
  CONTROL_INVALID: 400,
  CONTROL_NO_ROUTE: 404,
  CONTROL_METHOD: 405,
  CONTROL_MEDIA_TYPE: 415,
  CONTROL_TOO_LARGE: 413,
  CONTROL_TIMEOUT: 408,
} satisfies Record<ControlErrorCode, number>;

/** A request the control plane refuses; nothing in the lab has changed when it is thrown. */
export class ControlError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }

  /** The strings for `{"errors":[...]}`. */
  get errors(): string[] {
    return this.message ? [this.message] : [];
  }

  /** The HTTP status for this refusal. */
  get status(): number {
    return CONTROL_STATUS[this.code];
  }
}

/** 400: a control input that names no node, no fault, or a bad duration. */
export function invalidInput(message: string): ControlError {
  return new ControlError('CONTROL_INVALID', message);
}
