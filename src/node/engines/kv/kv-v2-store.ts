/**
 * KV v2's storage: one metadata record per key (`metadata/<key>`) and one entry per
 * version under a hash of the key (`versions/<sha256(key)>/<n>`), so that a key named
 * like another key's version folder can never collide with it. Plus the mount config.
 */
import { createHash } from 'node:crypto';
import type { Storage } from '../../../crypto/index.ts';
import { BadRequestError } from '../../errors.ts';
import { getJson, putJson } from '../engine.ts';

/** Per-version metadata, in Vault's field names. */
export interface VersionMeta {
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
}

/** A key's metadata record, in Vault's field names. */
export interface KeyMeta {
  cas_required: boolean;
  created_time: string;
  current_version: number;
  custom_metadata: Record<string, string> | null;
  delete_version_after: string;
  max_versions: number;
  oldest_version: number;
  updated_time: string;
  versions: Record<string, VersionMeta>;
}

/** The mount-wide settings (`config`). */
export interface KvConfig {
  cas_required: boolean;
  delete_version_after: string;
  max_versions: number;
}

/** Vault's default when neither the key nor the mount sets max_versions. */
export const DEFAULT_MAX_VERSIONS = 10;

/** Where a version's data lives. */
export function versionKey(key: string, version: number): string {
  return `versions/${createHash('sha256').update(key).digest('hex')}/${version}`;
}

/** The metadata of a key, or undefined. */
export function readMeta(s: Storage, key: string): Promise<KeyMeta | undefined> {
  return getJson<KeyMeta>(s, `metadata/${key}`);
}

/** Stores a key's metadata. */
export function writeMeta(s: Storage, key: string, meta: KeyMeta): Promise<void> {
  return putJson(s, `metadata/${key}`, meta);
}

/** A fresh metadata record. */
export function newMeta(now: string): KeyMeta {
  return { cas_required: false, created_time: now, current_version: 0, custom_metadata: null, delete_version_after: '0s', max_versions: 0, oldest_version: 0, updated_time: now, versions: {} };
}

/** The mount config (defaults when never written). */
export async function readConfig(s: Storage): Promise<KvConfig> {
  return (await getJson<KvConfig>(s, 'config')) ?? { cas_required: false, delete_version_after: '0s', max_versions: 0 };
}

/** Go-style duration ("3h25m19s", "10m", "0s") → milliseconds; bare numbers are seconds. */
export function parseDuration(v: unknown, field: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v * 1000;
  if (typeof v !== 'string') throw new BadRequestError(`invalid ${field}`);
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of v.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms'];
    consumed += m[0].length;
  }
  if (!v || consumed !== v.length) throw new BadRequestError(`invalid ${field}: ${JSON.stringify(v)}`);
  return total;
}

/** Milliseconds → Go's duration string (0s, 1h0m0s style as Vault prints). */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}
