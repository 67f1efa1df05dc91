/**
 * The one table from error codes (of every room) to HTTP statuses. Matching is on
 * `code`, never on message text; anything without a known code is a 500.
 */

const STATUS_BY_CODE: Record<string, number> = {
  // src/node
  INVALID_REQUEST: 400,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  NO_ROUTE: 404,
  UNSUPPORTED_OPERATION: 405,
  SEALED: 503,
  STANDBY: 500,
  INTERNAL: 500,
  NO_ACTIVE: 503,
  // src/crypto
  BARRIER_SEALED: 503,
  CRYPTO_DECRYPT_FAILED: 500,
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
  // fastify's own
  FST_ERR_CTP_BODY_TOO_LARGE: 413,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 415,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 400,
  FST_ERR_CTP_EMPTY_JSON_BODY: 400,
  FST_ERR_CTP_INVALID_JSON_BODY: 400,
  FST_ERR_BAD_URL: 400,
};

/** The HTTP status for an error, by its code. */
export function statusForError(err: unknown): number {
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'string' && e.code in STATUS_BY_CODE) return STATUS_BY_CODE[e.code];
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return e.statusCode;
  return 500;
}

/** The message list for an error body; Vault's bare 404 has an empty list. */
export function errorsFor(err: unknown): string[] {
  const e = err as { errors?: unknown; message?: unknown; code?: unknown };
  if (Array.isArray(e.errors)) return e.errors as string[];
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return ['http: request body too large'];
  return typeof e.message === 'string' && e.message ? [e.message] : [];
}
