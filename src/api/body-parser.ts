/**
 * Request bodies the way Vault reads them: there has never been a Content-Type
 * requirement in Vault's API, so everything is JSON unless it is declared as a form
 * *and* does not look like JSON (Vault's `isForm`); an empty body is no data.
 */
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../node/index.ts';

/** Where the raw body bytes are kept on a request, so a standby can forward them untouched. */
export const RAW_BODY = Symbol('vaultlab.rawBody');

/** The raw body of a request (undefined for bodiless requests). */
export function rawBody(req: object): Buffer | undefined {
  return (req as { [RAW_BODY]?: Buffer })[RAW_BODY];
}

/** Where a body's parse error waits until a handler reads the body. */
const BODY_ERROR = Symbol('vaultlab.bodyError');

/**
 * The parsed body of a request, or the 400 its parsing raised. The error is deferred to
 * here because a standby forwards or redirects the raw bytes without judging them, as
 * Vault's does: only the node that serves a request reads its body.
 */
export function parsedBody(req: object): Record<string, unknown> | undefined {
  const r = req as { [BODY_ERROR]?: Error; body?: unknown };
  if (r[BODY_ERROR]) throw r[BODY_ERROR];
  return r.body as Record<string, unknown> | undefined;
}

/** Vault's default max_request_size: 32 MiB. */
export const MAX_REQUEST_SIZE = 33_554_432;

/** Parses a raw body into request data (a plain object) or throws a 400 in Vault's words. */
export function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8');
  const trimmed = text.trimStart();
  if (trimmed === '') return {};
  const isForm = /^application\/x-www-form-urlencoded/i.test(contentType ?? '') && !/^[{[]/.test(trimmed);
  if (isForm) return Object.fromEntries(new URLSearchParams(text));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`failed to parse JSON input: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    throw new BadRequestError(`failed to parse JSON input: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  if (hasPrototypeKey(value)) {
    // A deliberate difference from Vault (plain map keys in Go): refused so no object prototype can be polluted.
    throw new BadRequestError('keys named __proto__ or constructor.prototype are not supported');
  }
  return value as Record<string, unknown>;
}

function hasPrototypeKey(v: unknown, depth = 0): boolean {
  if (depth > 64 || v === null || typeof v !== 'object') return false;
  for (const k of Object.keys(v)) {
    if (k === '__proto__') return true;
    if (k === 'constructor' && typeof (v as Record<string, unknown>)[k] === 'object') return true;
    if (hasPrototypeKey((v as Record<string, unknown>)[k], depth + 1)) return true;
  }
  return false;
}

/** Replaces fastify's parsers with one catch-all that follows Vault's rules. */
export function installBodyParser(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
    (req as { [RAW_BODY]?: Buffer })[RAW_BODY] = body as Buffer;
    try {
      done(null, parseBody(body as Buffer, req.headers['content-type']));
    } catch (err) {
      (req as { [BODY_ERROR]?: Error })[BODY_ERROR] = err as Error;
      done(null, undefined);
    }
  });
}
