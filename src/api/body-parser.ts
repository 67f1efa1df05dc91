/**
 * Request bodies the way Vault reads them: there has never been a Content-Type
 * requirement in Vault's API, so everything is JSON unless it is declared as a form
 * *and* does not look like JSON (Vault's `isForm`); an empty body is no data.
 *
 * fastify only collects the bytes. A body is parsed when a handler first asks for it, so a
 * standby forwards (or redirects) it unread, as Vault's does; and parsing is bounded and
 * sliced (json-parse.ts) because every node of a lab shares one event loop.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../node/index.ts';
import { PROTOTYPE_KEY_MESSAGE, type JsonLimits } from './json-limits.ts';
import { parseJsonBounded, SEGMENT, Slicer } from './json-parse.ts';

/** Where the raw body bytes are kept on a request, so a standby can forward them untouched. */
export const RAW_BODY = Symbol('vaultlab.rawBody');
/** The JSON limits a request's body is parsed under, and its parse once started. */
const LIMITS = Symbol('vaultlab.jsonLimits');
const PARSED = Symbol('vaultlab.parsedBody');

interface BodyHolder {
  [RAW_BODY]?: Buffer;
  [LIMITS]?: JsonLimits;
  [PARSED]?: Promise<Record<string, unknown>>;
}

/** The raw body of a request (undefined for bodiless requests). */
export function rawBody(req: object): Buffer | undefined {
  return (req as BodyHolder)[RAW_BODY];
}

/** Vault's default max_request_size: 32 MiB. */
export const MAX_REQUEST_SIZE = 33_554_432;

/**
 * The parsed body of a request (undefined for bodiless requests), or the 400 its parsing
 * raised. Parsed on first use and then remembered.
 */
export async function requestBody(req: { headers: IncomingHttpHeaders }): Promise<Record<string, unknown> | undefined> {
  const r = req as unknown as BodyHolder;
  const raw = r[RAW_BODY];
  if (!raw || !r[LIMITS]) return undefined;
  r[PARSED] ??= parseBody(raw, req.headers['content-type'], r[LIMITS]);
  return r[PARSED];
}

/** Parses a raw body into request data (a plain object) or throws a 400 in Vault's words. */
export async function parseBody(raw: Buffer, contentType: string | undefined, limits: JsonLimits): Promise<Record<string, unknown>> {
  let first = 0;
  while (first < raw.length && (raw[first] === 0x20 || raw[first] === 0x0a || raw[first] === 0x0d || raw[first] === 0x09)) first++;
  if (first === raw.length) return {};
  const isForm = /^application\/x-www-form-urlencoded/i.test(contentType ?? '') && raw[first] !== 0x7b && raw[first] !== 0x5b;
  if (isForm) return parseForm(raw, limits);
  const value = await parseJsonBounded(raw, limits);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    throw new BadRequestError(`failed to parse JSON input: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  return value as Record<string, unknown>;
}

/** A form body, decoded a batch of whole pairs at a time (URLSearchParams takes ~12 ms per MiB). */
async function parseForm(raw: Buffer, limits: JsonLimits): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const slicer = new Slicer();
  let entries = 0;
  for (let from = 0; from < raw.length;) {
    let to = from;
    while (to < raw.length && to - from < SEGMENT.bytes) {
      const amp = raw.indexOf(0x26, to);
      const end = amp < 0 ? raw.length : amp;
      if (end - to > limits.maxStringLength) throw new BadRequestError('form value exceeds allowed length');
      to = amp < 0 ? raw.length : amp + 1;
    }
    for (const [k, v] of new URLSearchParams(raw.toString('utf8', from, to))) {
      // The same refusal as for JSON bodies: no key may reach an object prototype.
      if (k === '__proto__') throw new BadRequestError(PROTOTYPE_KEY_MESSAGE);
      if (++entries > limits.maxObjectEntries) throw new BadRequestError('form exceeds allowed entry count');
      out[k] = v;
    }
    from = to;
    await slicer.pause();
  }
  return out;
}

/** Keeps `raw` on `req` for a parse under `limits` on first use, as the catch-all parser does for fastify's requests. */
export function holdBody<T extends object>(req: T, raw: Buffer | undefined, limits: JsonLimits): T {
  const r = req as BodyHolder;
  if (raw) r[RAW_BODY] = raw;
  r[LIMITS] = limits;
  return req;
}

/** Replaces fastify's parsers with one catch-all that keeps the bytes for a later, bounded parse. */
export function installBodyParser(app: FastifyInstance, bodyLimit: number, limits: JsonLimits): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
    holdBody(req, body as Buffer, limits);
    done(null, undefined);
  });
}
