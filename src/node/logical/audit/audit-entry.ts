/**
 * One audit entry per request and one per response, in Vault's JSON shape (audit/types.go:
 * fields in Vault's order, empty ones left out). Every string a client sent or was sent in
 * `data`, every token and (unless `hmac_accessor=false`) every accessor is written as its
 * HMAC under the device's salt, so a log shows that a value passed without holding it;
 * `log_raw=true` writes them as they are. Errors and paths are written as they are, as in Vault.
 */
import type { MountEntry } from '../mounts.ts';
import type { AuthInfo, LogicalRequest, LogicalResponse, Operation } from '../request.ts';
import type { TokenEntry } from '../token/token-entry.ts';

/** What one request carried, gathered as it passed the checks. */
export interface AuditInput {
  /** The id the response envelope carries too. */
  id: string;
  request: LogicalRequest;
  /** The operation the ACL judged (create or update once the existence check ran). */
  operation: Operation;
  caller?: TokenEntry;
  mount?: MountEntry;
  /** The ACL's answer, once it ran. */
  allowed?: boolean;
}

/** How one device writes values: its salt's HMAC and its options. */
export interface EntryFormat {
  /** `hmac-sha256:<hex>` of a value under the device's salt. */
  hmac(value: string): string;
  raw: boolean;
  hmacAccessor: boolean;
}

/** Go's time.RFC3339Nano: no trailing zeros in the fraction. */
export function auditTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

function secret(f: EntryFormat, v: string | undefined): string | undefined {
  return v === undefined || v === '' || f.raw ? v : f.hmac(v);
}

function accessor(f: EntryFormat, v: string | undefined): string | undefined {
  return f.hmacAccessor ? secret(f, v) : v;
}

/** Vault's HashStructure: every string inside, at any depth, becomes its HMAC. */
function hashed(f: EntryFormat, value: unknown): unknown {
  if (f.raw) return value;
  if (typeof value === 'string') return f.hmac(value);
  if (Array.isArray(value)) return value.map((v) => hashed(f, v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = hashed(f, v);
    return out;
  }
  return value;
}

function dataOf(f: EntryFormat, data: Record<string, unknown> | null | undefined): unknown {
  return data && Object.keys(data).length ? hashed(f, data) : undefined;
}

/** The caller's `auth` block (the request's token, looked up). */
function callerAuth(input: AuditInput, f: EntryFormat): Record<string, unknown> | undefined {
  const c = input.caller;
  if (!c) return input.request.token ? { client_token: secret(f, input.request.token) } : undefined;
  return {
    accessor: accessor(f, c.accessor),
    client_token: secret(f, c.id),
    display_name: c.displayName,
    metadata: c.meta && Object.keys(c.meta).length ? c.meta : undefined,
    policies: c.policies,
    policy_results: input.allowed === undefined ? undefined : { allowed: input.allowed },
    token_policies: c.policies,
    token_issue_time: new Date(c.creationTime).toISOString().replace(/\.\d+Z$/, 'Z'),
    token_ttl: c.creationTtl || undefined,
    token_type: c.type,
  };
}

/** The `auth` a response hands out (a token created or renewed). */
function issuedAuth(a: AuthInfo, f: EntryFormat): Record<string, unknown> {
  return {
    accessor: accessor(f, a.accessor),
    client_token: secret(f, a.clientToken),
    entity_id: a.entityId || undefined,
    metadata: a.metadata && Object.keys(a.metadata).length ? a.metadata : undefined,
    num_uses: a.numUses || undefined,
    policies: a.policies,
    token_policies: a.tokenPolicies,
    token_ttl: a.leaseDuration || undefined,
    token_type: a.tokenType,
  };
}

function mountFields(m: MountEntry | undefined): Record<string, unknown> {
  if (!m) return {};
  return { mount_accessor: m.accessor, mount_class: m.table === 'auth' ? 'auth' : 'secret', mount_point: m.path, mount_type: m.type };
}

function requestPart(input: AuditInput, f: EntryFormat): Record<string, unknown> {
  const { request: req, caller } = input;
  return {
    client_token: secret(f, req.token),
    client_token_accessor: caller ? accessor(f, caller.accessor) : undefined,
    data: dataOf(f, req.data),
    id: input.id,
    ...mountFields(input.mount),
    namespace: { id: 'root' },
    operation: input.operation,
    path: req.path,
    remote_address: req.remoteAddress,
  };
}

/** The same format, computing each value's HMAC once: an entry names the token and its accessor twice. */
function once(f: EntryFormat): EntryFormat {
  if (f.raw) return f;
  const seen = new Map<string, string>();
  const hmac = (v: string): string => {
    let h = seen.get(v);
    if (h === undefined) seen.set(v, (h = f.hmac(v)));
    return h;
  };
  return { hmac, raw: false, hmacAccessor: f.hmacAccessor };
}

/** The line a device writes before the request is served (`error` set when it was refused). */
export function requestEntry(time: string, input: AuditInput, format: EntryFormat, error?: string): string {
  const f = once(format);
  const entry = { time, auth: callerAuth(input, f), error, request: requestPart(input, f), type: 'request' };
  return JSON.stringify(entry);
}

/** The line a device writes once the request was answered (`error` set when it failed). */
export function responseEntry(time: string, input: AuditInput, format: EntryFormat, response?: LogicalResponse, error?: string): string {
  const f = once(format);
  const resp = {
    auth: response?.auth ? issuedAuth(response.auth, f) : undefined,
    data: dataOf(f, response?.data),
    ...mountFields(input.mount),
    warnings: response?.warnings?.length ? response.warnings : undefined,
  };
  const entry = { time, auth: callerAuth(input, f), error, request: requestPart(input, f), response: resp, type: 'response' };
  return JSON.stringify(entry);
}

/** Vault's test line at enable (generateAuditTestProbe): an update of sys/audit/test. */
export function testProbeEntry(time: string, id: string): string {
  return JSON.stringify({ time, request: { id, operation: 'update', path: 'sys/audit/test' }, type: 'request' });
}
