/** Reading token-creation parameters as Vault does: durations, policy lists, display names. */
import { BadRequestError } from '../../errors.ts';

/** Vault's system default and max lease: 768h. */
export const SYSTEM_MAX_TTL = 2_764_800;

/** "1h", "90m", "30s", "1h30m" or a number of seconds → seconds. */
export function durationSeconds(v: unknown, field: string): number {
  if (v === undefined || v === null || v === '') return 0;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.floor(v);
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return Number(v);
    let total = 0;
    let consumed = 0;
    for (const m of v.matchAll(/(\d+)(h|m|s|d)/g)) {
      total += Number(m[1]) * { d: 86_400, h: 3600, m: 60, s: 1 }[m[2] as 'h'];
      consumed += m[0].length;
    }
    if (consumed === v.length) return total;
  }
  throw new BadRequestError(`error parsing ${field}: invalid duration ${JSON.stringify(v)}`);
}

/** `["a","b"]` or `"a,b"` → trimmed, lower-cased, non-empty names. */
export function policyList(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const raw = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : undefined;
  if (!raw) throw new BadRequestError('policies must be a list of strings');
  return raw.map((p) => String(p).trim().toLowerCase()).filter(Boolean);
}

/** `token-<name>` with Vault's sanitising (anything odd becomes '-'). */
export function displayName(v: unknown): string {
  const name = typeof v === 'string' && v ? v.toLowerCase().replace(/[^a-z0-9-]/g, '-') : '';
  return name ? `token-${name}` : 'token';
}

/** A string map (meta). */
export function stringMap(v: unknown): Record<string, string> | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new BadRequestError('meta must be a map of strings');
  return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, String(x)]));
}

/** Go's ParseBool for body flags. */
export function flag(v: unknown): boolean {
  return v === true || v === 'true' || v === 1 || v === '1';
}
