/**
 * Writing responses exactly as Vault does: `Content-Type: application/json` with no
 * charset (some clients compare it with ===), `Cache-Control: no-store` on everything,
 * bodies ending in a newline (Go's json.Encoder), 204 with no body. fastify adds a
 * charset when it serialises objects or strings itself, so bodies go out as Buffers.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { LogicalResponse, RawBody } from '../node/index.ts';

/** The headers of every JSON answer. */
export const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json', 'cache-control': 'no-store' };

/** A JSON body as Vault writes it: Go's json.Encoder ends it with a newline. */
export function jsonBytes(body: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(body)}\n`);
}

/** Sends a JSON body with Vault's headers. */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).headers(JSON_HEADERS).send(jsonBytes(body));
}

/** Sends Vault's error shape `{"errors":[...]}`. */
export function sendErrors(reply: FastifyReply, status: number, errors: string[]): FastifyReply {
  return sendJson(reply, status, { errors });
}

/** Sends a body as it is (Vault's HTTPRawBody), with its own content type. */
export function sendRaw(reply: FastifyReply, status: number, raw: RawBody): FastifyReply {
  return reply.code(status).headers({ 'content-type': raw.contentType, 'cache-control': 'no-store' }).send(Buffer.from(raw.body));
}

/** Sends a bodiless 204. */
export function sendNoContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).header('cache-control', 'no-store').send();
}

/** The wire form of an `auth` block. */
function authJson(r: LogicalResponse): Record<string, unknown> | null {
  const a = r.auth;
  if (!a) return null;
  return {
    client_token: a.clientToken,
    accessor: a.accessor,
    policies: a.policies,
    token_policies: a.tokenPolicies,
    metadata: a.metadata,
    lease_duration: a.leaseDuration,
    renewable: a.renewable,
    entity_id: a.entityId,
    token_type: a.tokenType,
    orphan: a.orphan,
    mfa_requirement: null,
    num_uses: a.numUses,
  };
}

/** Vault's response envelope around a logical response; `requestId` is the id its audit entries carry, when it has one. */
export function envelope(r: LogicalResponse, mountType: string, requestId?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    request_id: requestId ?? randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: r.leaseDuration ?? 0,
    data: r.data ?? null,
    wrap_info: null,
    warnings: r.warnings && r.warnings.length ? r.warnings : null,
    auth: authJson(r),
    mount_type: mountType,
  };
  if (r.injectTopLevel && r.data) {
    for (const [k, v] of Object.entries(r.data)) if (!(k in body)) body[k] = v;
  }
  return body;
}
