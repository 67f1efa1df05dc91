/**
 * HTTP → logical request, as Vault's `buildLogicalRequestNoAuth` does it: the method
 * picks the operation (GET ?list=true and LIST are both list), the query becomes the
 * data of reads, the body the data of writes, and the token comes from X-Vault-Token
 * or a Bearer Authorization header.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { BadRequestError, UnsupportedOperationError, type LogicalRequest, type Operation } from '../node/index.ts';
import { requestBody } from './body-parser.ts';
import { LIST_MARK_HEADER } from './list-method.ts';

/** Go's strconv.ParseBool. */
export function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** What a logical request is built from: an HTTP request as fastify or the cluster channel hands it over. */
export interface RequestLike {
  method: string;
  /** Path and query as received (`/v1/secret/data/x?version=2`). */
  url: string;
  headers: IncomingHttpHeaders;
  /** The client's IP address: fastify's req.ip, or the one a standby forwarded the request from. */
  ip?: string;
}

/** The request's token: X-Vault-Token wins over `Authorization: Bearer`. */
export function requestToken(req: { headers: IncomingHttpHeaders }): string | undefined {
  const h = req.headers['x-vault-token'];
  if (typeof h === 'string' && h) return h;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim() || undefined;
  return undefined;
}

/** Splits the raw URL into the logical path (decoded, without /v1/) and the query. */
export function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  let path: string;
  try {
    path = decodeURIComponent(rawPath.slice('/v1/'.length));
  } catch {
    throw new BadRequestError('invalid URL escape in path');
  }
  return { path: path.replace(/^\/+/, ''), query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
}

/** Builds the logical request for a /v1/ route (parsing its body, if it has one, on first use). */
export async function toLogicalRequest(req: RequestLike): Promise<LogicalRequest> {
  const { path, query } = splitUrl(req.url);
  let operation: Operation;
  let data: Record<string, unknown> = {};
  const method = req.headers[LIST_MARK_HEADER] === 'LIST' ? 'LIST' : req.method;
  switch (method) {
    case 'GET':
    case 'LIST':
    case 'DELETE': {
      for (const [k, v] of query) data[k] = v;
      const list = query.get('list');
      let isList = method === 'LIST';
      if (list !== null && method !== 'DELETE') {
        const parsed = parseGoBool(list);
        if (parsed === undefined) throw new BadRequestError(`invalid value for list: ${JSON.stringify(list)}`);
        isList = isList || parsed;
        delete data.list;
      }
      operation = method === 'DELETE' ? 'delete' : isList ? 'list' : 'read';
      break;
    }
    case 'POST':
    case 'PUT':
      operation = 'update';
      data = (await requestBody(req)) ?? {};
      break;
    case 'PATCH': {
      const ct = req.headers['content-type'] ?? '';
      if (!/^application\/merge-patch\+json/i.test(ct)) {
        throw new UnsupportedMediaError(`PATCH requires Content-Type of application/merge-patch+json, provided ${ct}`);
      }
      operation = 'patch';
      data = (await requestBody(req)) ?? {};
      break;
    }
    default:
      throw new UnsupportedOperationError('');
  }
  const logicalPath = operation === 'list' && !path.endsWith('/') ? `${path}/` : path;
  return { operation, path: logicalPath, data, token: requestToken(req), remoteAddress: req.ip };
}

/** 415 for a PATCH without the merge-patch content type. */
export class UnsupportedMediaError extends Error {
  readonly code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
}
