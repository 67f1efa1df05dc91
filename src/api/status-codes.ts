/**
 * The one table from error codes (of every room) to HTTP statuses. Matching is on
 * `code`, never on message text; anything without a known code is a 500. The table is
 * checked against each room's code type, so a new code without a status does not compile.
 */
import { errorCodes } from 'fastify';
import type { CryptoErrorCode } from '../crypto/index.ts';
import type { HclParseError } from '../hcl/index.ts';
import { VaultError, type ErrorCode } from '../node/index.ts';
import type { StorageErrorCode } from '../storage/index.ts';
import type { UnsupportedMediaError } from './translate.ts';

/** Codes of errors outside the typed rooms: the parsers' and fastify's own. */
type ForeignCode =
  | HclParseError['code']
  | 'POLICY_PARSE'
  | UnsupportedMediaError['code']
  | 'FST_ERR_CTP_BODY_TOO_LARGE'
  | 'FST_ERR_CTP_INVALID_CONTENT_LENGTH'
  | 'FST_ERR_CTP_EMPTY_JSON_BODY'
  | 'FST_ERR_CTP_INVALID_JSON_BODY'
  | 'FST_ERR_BAD_URL';

const STATUS_BY_CODE = {
  // src/node
  INVALID_REQUEST: 400,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  NO_ROUTE: 404,
  UNSUPPORTED_PATH: 404,
  UNSUPPORTED_OPERATION: 405,
  CONFLICT: 409,
  SEALED: 503,
  STANDBY: 500,
  INTERNAL: 500,
  // src/crypto
  BARRIER_SEALED: 503,
  CRYPTO_DECRYPT_FAILED: 500,
  BARRIER_UNSEAL_FAILED: 500,
  BARRIER_STORED_KEY_CORRUPT: 500,
  SEAL_CONFIG_INVALID: 400,
  KEY_SHARE_INVALID: 400,
  // src/hcl and policies
  HCL_PARSE: 400,
  POLICY_PARSE: 400,
  // src/storage
  STORAGE_FENCED: 500,
  STORAGE_LOCK_LOST: 500,
  STORAGE_FAULT: 500,
  STORAGE_INVALID_KEY: 400,
  STORAGE_CLOSED: 500,
  STORAGE_IO: 500,
  STORAGE_LOCKED: 500,
  STORAGE_CORRUPT: 500,
  STORAGE_OPEN_FAILED: 500,
  // fastify's own
  FST_ERR_CTP_BODY_TOO_LARGE: 413,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 415,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 400,
  FST_ERR_CTP_EMPTY_JSON_BODY: 400,
  FST_ERR_CTP_INVALID_JSON_BODY: 400,
  FST_ERR_BAD_URL: 400,
} satisfies Record<ErrorCode | CryptoErrorCode | StorageErrorCode | ForeignCode, number>;

const STATUS = new Map<string, number>(Object.entries(STATUS_BY_CODE));

/**
 * The code of a coded error. Every room's errors (VaultError, StorageError, CryptoError, the
 * parse errors) and fastify's are Errors with a string `code`, so one guard covers them all.
 */
function codeOf(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** The HTTP status an error names itself (fastify's errors carry `statusCode`). */
function ownStatusOf(err: unknown): number | undefined {
  return err instanceof Error && 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : undefined;
}

/** The HTTP status for an error, by its code. */
export function statusForError(err: unknown): number {
  const byCode = STATUS.get(codeOf(err) ?? '');
  if (byCode !== undefined) return byCode;
  const own = ownStatusOf(err);
  return own !== undefined && own >= 400 && own < 500 ? own : 500;
}

/** The message list for an error body; Vault's bare 404 has an empty list. */
export function errorsFor(err: unknown): string[] {
  if (err instanceof VaultError) return err.errors;
  if (err instanceof errorCodes.FST_ERR_CTP_BODY_TOO_LARGE) return ['http: request body too large'];
  return err instanceof Error && err.message ? [err.message] : [];
}
