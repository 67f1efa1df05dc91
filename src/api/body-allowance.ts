/**
 * How much body a request may bring, decided from its headers before a byte of the body
 * is read. Vault authenticates from the X-Vault-Token (or Bearer) header, so a body buys
 * a caller nothing until the node knows who it is: a caller the node cannot authenticate
 * (no token, an unknown one, or any caller of a sealed node) may send at most
 * UNAUTHENTICATED_BODY_LIMIT, room for every request Vault serves without a token
 * (sys/init, sys/unseal, sys/wrapping/lookup). Over it: 413, Vault's answer to a body over
 * its limit. A standby cannot look tokens up (the active holds them): it applies the small
 * limit only to requests that carry no token at all, and forwards the rest unread for the
 * active, which applies this same rule when they arrive.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { errorCodes, type FastifyInstance, type FastifyRequest, type RequestPayload } from 'fastify';
import type { TokenEntry } from '../node/index.ts';
import { requestToken } from './translate.ts';

/** The most body a caller the node has not authenticated may send (sys/init and sys/unseal take a few hundred bytes). */
export const UNAUTHENTICATED_BODY_LIMIT = 16 * 1024;

/** What the allowance needs from a node. */
export interface AllowanceNode {
  readonly state: string;
  readonly system: { readonly tokens: { lookup(id: string): Promise<TokenEntry | undefined> } };
}

/** The 413 of a body over its limit, in fastify's error (which the status table maps). */
export function tooLarge(): Error {
  return new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
}

/** A pass-through that fails with a 413 once more than `limit` bytes went by (bodies without a Content-Length). */
class Capped extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) return done(tooLarge());
    done(null, chunk);
  }
}

/**
 * Whether the body may be larger than the unauthenticated limit: a chunked one, or a declared
 * length over it. Only then is the caller worth authenticating here; every other request is
 * authenticated once, by the handler, as before (the write path is benchmarked).
 */
function mayExceedLimit(req: FastifyRequest): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false; // fastify never reads these bodies
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > UNAUTHENTICATED_BODY_LIMIT;
}

/** Whether the caller may send a body up to the route's own limit. */
export async function authenticated(node: AllowanceNode, req: { headers: IncomingHttpHeaders }): Promise<boolean> {
  const token = requestToken(req);
  if (node.state === 'standby') return token !== undefined;
  if (node.state !== 'active' || !token) return false;
  // A failing lookup (storage fault, a seal racing this request) is no authentication; the handler reports the fault.
  return (await node.system.tokens.lookup(token).catch(() => undefined)) !== undefined;
}

/** Installs the allowance check as a preParsing hook (before fastify reads any body). */
export function installBodyAllowance(app: FastifyInstance, node: AllowanceNode): void {
  // Callback style: most requests pass at once, without a promise per request (the request path is benchmarked).
  app.addHook('preParsing', (req: FastifyRequest, _reply, payload, done) => {
    if (!mayExceedLimit(req) || req.routeOptions.bodyLimit <= UNAUTHENTICATED_BODY_LIMIT) return done(null, payload);
    authenticated(node, req)
      .then((ok) => (ok ? payload : capped(req, payload)))
      .then(
        (p) => done(null, p),
        (err: Error) => done(err),
      );
  });
}

/** The body of a caller the node could not authenticate: refused unread, or cut at the limit when chunked. */
function capped(req: FastifyRequest, payload: RequestPayload): RequestPayload {
  // Refused unread: Node discards the body once the 413 is sent and keeps the connection (a standby's forward too).
  if (req.headers['transfer-encoding'] === undefined) throw tooLarge();
  const cap = new Capped(UNAUTHENTICATED_BODY_LIMIT);
  payload.on('error', (err) => cap.destroy(err));
  // fastify answers the first error; bytes still arriving after it must not raise another, unheard.
  cap.on('error', () => payload.unpipe(cap));
  return payload.pipe(cap);
}
