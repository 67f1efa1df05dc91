/** The HTTP API: one fastify app per node, in Vault's shapes. The only room that imports fastify. */
export { buildApp, type AppOptions } from './app.ts';
export { bindListener, listen, LISTENER_DEFAULTS, type Listener, type ListenerOptions } from './listen.ts';
export { TLS_VERSIONS, type ListenerTls, type TlsVersionName } from './listen-tls.ts';
export { acceptListMethod, LIST_MARK_HEADER, ListRewriter } from './list-method.ts';
export { MAX_REQUEST_SIZE, parseBody } from './body-parser.ts';
export { UNAUTHENTICATED_BODY_LIMIT } from './body-allowance.ts';
export { VAULT_JSON_LIMITS, type JsonLimits } from './json-limits.ts';
export { envelope, sendErrors, sendJson, sendNoContent } from './reply.ts';
export type { StandbyHandler } from './routes/sys-raw.ts';
export { createStandbyHandler, NO_ACTIVE_TO_FORWARD_TO, standbyRedirect } from './standby.ts';
export { toLogicalRequest, requestToken, parseGoBool } from './translate.ts';
export {
  createForwardedHandler,
  NOT_ACTIVE,
  tooLargeResponse,
  type ForwardedOptions,
  type PlainRequest,
  type PlainResponse,
} from './forwarded.ts';
export { errorsFor, statusForError } from './status-codes.ts';
export { RequestTally, type RequestRoute, type RouteTally } from './request-tally.ts';
