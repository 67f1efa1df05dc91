/**
 * The logical request and response: what src/api turns HTTP into, and back. Engines
 * and the token store see only these, never fastify, so they can be tested without
 * sockets and driven by drills directly.
 */

/** Vault's logical operations (`http/logical.go`). */
export type Operation = 'read' | 'list' | 'create' | 'update' | 'patch' | 'delete';

/** A request as the node sees it. */
export interface LogicalRequest {
  operation: Operation;
  /** Path after /v1/, no leading '/', with a trailing '/' for list. */
  path: string;
  /** The JSON body (writes) or query parameters (reads, deletes, lists). */
  data: Record<string, unknown>;
  /** X-Vault-Token or the Bearer token; undefined when absent. */
  token?: string;
  /** The client's IP address (Vault's req.Connection.RemoteAddr): the socket's, or the one a standby forwarded it from. */
  remoteAddress?: string;
}

/** The `auth` block Vault returns for token creation, renewal and login. */
export interface AuthInfo {
  clientToken: string;
  accessor: string;
  policies: string[];
  tokenPolicies: string[];
  metadata: Record<string, string> | null;
  leaseDuration: number;
  renewable: boolean;
  entityId: string;
  tokenType: 'service' | 'batch';
  orphan: boolean;
  numUses: number;
}

/** What a handler returns; undefined (or an empty response) becomes 204, as in Vault. */
export interface LogicalResponse {
  data?: Record<string, unknown> | null;
  warnings?: string[];
  auth?: AuthInfo;
  /** Vault's RespondWithStatusCode: the full envelope with this status (e.g. 404 for a deleted KV version). */
  status?: number;
  /** For injector routes: copy `data`'s keys to the top level of the envelope. */
  injectTopLevel?: boolean;
  /** Lease fields of the envelope (KV v1 reports a lease duration). */
  leaseDuration?: number;
  /**
   * Vault's HTTPRawBody: this body with this content type instead of the envelope (sys/metrics),
   * with `status` (default 200).
   */
  raw?: RawBody;
}

/** A body sent as it is, with its content type. */
export interface RawBody {
  contentType: string;
  body: string;
}

/** The result of serving a request: the response and the type of the mount that served it. */
export interface Served {
  response: LogicalResponse | undefined;
  mountType: string;
  /** The id audit entries carry, for the envelope's `request_id` (absent when nothing is audited). */
  requestId?: string;
}
