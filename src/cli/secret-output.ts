/**
 * How the `vault` CLI prints an answer it read or wrote: the body parsed as the Go client's
 * api.Secret, then Vault's Key/Value table (TableFormatter.OutputSecret) or that Secret as JSON
 * or YAML. An answer with none of the Secret's fields (sys/leader, sys/seal-status answer without
 * a `data` wrapper) becomes the Secret's data, as api.ParseSecret does, so its fields print.
 */
import { formatValue, kvTable } from './columnize.ts';
import { out, outData, type Format } from './output.ts';

/** The Go client's api.Secret, named by its JSON tags (auth, wrap_info and mount_type are omitempty). */
export interface Secret {
  request_id: string;
  lease_id: string;
  lease_duration: number;
  renewable: boolean;
  data: Record<string, unknown> | null;
  warnings: string[] | null;
  auth?: Record<string, any>;
  wrap_info?: Record<string, any>;
  mount_type?: string;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when no Secret field was set: Go's reflect.DeepEqual(secret, Secret{}). */
function isEmptySecret(s: Secret): boolean {
  return (
    !s.request_id && !s.lease_id && !s.lease_duration && !s.renewable && !s.data && !s.warnings && !s.auth && !s.wrap_info && !s.mount_type
  );
}

/** Parses a body as api.ParseSecret does; undefined when there is nothing (no body, or only `errors`). */
export function parseSecret(body: unknown): Secret | undefined {
  if (!isObject(body)) return undefined;
  const secret: Secret = {
    request_id: typeof body.request_id === 'string' ? body.request_id : '',
    lease_id: typeof body.lease_id === 'string' ? body.lease_id : '',
    lease_duration: typeof body.lease_duration === 'number' ? body.lease_duration : 0,
    renewable: body.renewable === true,
    data: isObject(body.data) ? body.data : null,
    warnings: Array.isArray(body.warnings) ? body.warnings : null,
  };
  if (isObject(body.auth)) secret.auth = body.auth;
  if (isObject(body.wrap_info)) secret.wrap_info = body.wrap_info;
  if (typeof body.mount_type === 'string' && body.mount_type) secret.mount_type = body.mount_type;
  if (!isEmptySecret(secret)) return secret;
  if ('errors' in body || Object.keys(body).length === 0) return undefined;
  return { ...secret, data: body };
}

/** Go's time.Duration String for whole seconds, trimmed as the CLI's humanDuration does ("768h", "1m30s", "0s"). */
export function humanDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  const n = Math.abs(seconds);
  const [h, m, s] = [Math.floor(n / 3600), Math.floor((n % 3600) / 60), n % 60];
  let text = h ? `${h}h${m}m${s}s` : m ? `${m}m${s}s` : `${s}s`;
  if (text.endsWith('m0s')) text = text.slice(0, -2);
  const i = text.indexOf('h0m');
  if (i > 0) text = text.slice(0, i + 1) + text.slice(i + 3);
  return sign + text;
}

/** Keys whose integer values the CLI prints as durations (looksLikeDuration). */
function looksLikeDuration(k: string): boolean {
  return /(^|_)(period|ttl|duration)$/.test(k) || k === 'lease_max' || k === 'ttl_max';
}

/** A value as Go's %v prints it in a table: nil as <nil>, lists as [a b], maps as map[k:v]. */
function goValue(k: string, v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (looksLikeDuration(k) && Number.isInteger(v)) return humanDuration(v as number);
  return formatValue(v);
}

/** A map's rows, keys sorted (TableFormatter.OutputMap). */
export function mapRows(m: Record<string, unknown>): Array<[string, string]> {
  return Object.keys(m)
    .sort()
    .map((k) => [k, goValue(k, m[k])]);
}

/** A list as Go's %q prints a []string: ["a" "b"]. */
function quotedList(v: unknown): string {
  return `[${(Array.isArray(v) ? v : []).map((x) => JSON.stringify(String(x))).join(' ')}]`;
}

/** The token rows of an auth block, in Vault's order. */
export function authRows(a: Record<string, any>): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['token', a.client_token],
    ['token_accessor', a.accessor],
    ['token_duration', a.lease_duration ? humanDuration(a.lease_duration) : '∞'],
    ['token_renewable', String(a.renewable === true)],
    ['token_policies', quotedList(a.token_policies)],
    ['identity_policies', quotedList(a.identity_policies)],
    ['policies', quotedList(a.policies)],
  ];
  for (const [k, v] of Object.entries(a.metadata ?? {})) rows.push([`token_meta_${k}`, formatValue(v)]);
  return rows;
}

/** The rows of TableFormatter.OutputSecret: lease, auth, then the data's keys sorted. */
export function secretRows(s: Secret): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (s.lease_duration > 0) {
    if (s.lease_id)
      rows.push(['lease_id', s.lease_id], ['lease_duration', humanDuration(s.lease_duration)], ['lease_renewable', String(s.renewable)]);
    else rows.push(['refresh_interval', humanDuration(s.lease_duration)]);
  }
  if (s.auth) rows.push(...authRows(s.auth));
  return [...rows, ...mapRows(s.data ?? {})];
}

/** Sorts object keys at every depth, as Go's encoding/json writes a map[string]interface{}. */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (!isObject(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortedKeys(v[k])]),
  );
}

/** Prints a Secret as Vault's OutputSecret does: the table (nothing when it has no rows), or JSON/YAML. */
export function outSecret(s: Secret, format: Format): void {
  if (format !== 'table') return outData({ ...s, data: s.data && sortedKeys(s.data) }, format);
  const rows = secretRows(s);
  if (rows.length) out(kvTable(rows));
}
