/**
 * KV v2's storage: one metadata record per key (`metadata/<key>`) and one entry per
 * version under a hash of the key (`versions/<sha256(key)>/<n>`), so that a key named
 * like another key's version folder can never collide with it. Plus the mount config.
 * Records keep Vault's wire field names, so a read serialises them without reshaping.
 */
import { createHash } from 'node:crypto';
import type { Storage } from '../../../../crypto/index.ts';
import { getJson, putJson } from '../engine.ts';
import { parseDurationSecond } from './field-data.ts';

/** Per-version metadata, in Vault's field names. */
export interface VersionMeta {
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
}

/** A key's metadata record, in Vault's field names (durations as Go duration strings). */
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

/** The mount-wide settings (`config`); a negative delete_version_after disables it for every key. */
export interface KvConfig {
  cas_required: boolean;
  delete_version_after: string;
  max_versions: number;
}

/** Vault's default when neither the key nor the mount sets max_versions. */
export const DEFAULT_MAX_VERSIONS = 10;

/** sha256 of recent keys: every read of a version hashed its key again (about 4 % of a read's CPU). */
const keyHashes = new Map<string, string>();

/** Where a version's data lives. */
export function versionKey(key: string, version: number): string {
  let hash = keyHashes.get(key);
  if (hash === undefined) {
    hash = createHash('sha256').update(key).digest('hex');
    if (keyHashes.size >= 10_000) keyHashes.clear(); // a bound, not an LRU: hashing again is only slower
    keyHashes.set(key, hash);
  }
  return `versions/${hash}/${version}`;
}

/** Where a key's metadata lives. */
export function metaKey(key: string): string {
  return `metadata/${key}`;
}

/** The metadata of a key, or undefined. */
export function readMeta(s: Storage, key: string): Promise<KeyMeta | undefined> {
  return getJson<KeyMeta>(s, metaKey(key));
}

/**
 * The metadata of a key for a write under the key's lock: `known` when the request's existence
 * check already read it (null: the key had none), else read now.
 */
export async function metaForWrite(s: Storage, key: string, known: KeyMeta | null | undefined): Promise<KeyMeta | undefined> {
  return known === undefined ? readMeta(s, key) : (known ?? undefined);
}

/** Stores a key's metadata. */
export function writeMeta(s: Storage, key: string, meta: KeyMeta): Promise<void> {
  return putJson(s, metaKey(key), meta);
}

/** A fresh metadata record (no versions yet). */
export function newMeta(now: string): KeyMeta {
  return {
    cas_required: false,
    created_time: now,
    current_version: 0,
    custom_metadata: null,
    delete_version_after: '0s',
    max_versions: 0,
    oldest_version: 0,
    updated_time: now,
    versions: {},
  };
}

/** The mount config (defaults when never written). */
export async function readConfig(s: Storage): Promise<KvConfig> {
  return (await getJson<KvConfig>(s, 'config')) ?? { cas_required: false, delete_version_after: '0s', max_versions: 0 };
}

/** Stores the mount config. */
export function writeConfig(s: Storage, config: KvConfig): Promise<void> {
  return putJson(s, 'config', config);
}

/** Go's Duration.String() for whole seconds: 0s, 30s, 1h0m0s, -1s. */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  const abs = Math.abs(seconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

/** Seconds of a stored Go duration string. */
export function durationSeconds(d: string): number {
  return parseDurationSecond(d);
}

/** A time as Go's RFC3339Nano prints it (trailing zeros of the fraction dropped). */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

/** A version is deleted once its deletion_time has passed. */
export function isDeleted(v: VersionMeta, now: number): boolean {
  return v.deletion_time !== '' && Date.parse(v.deletion_time) <= now;
}

/** When a version made at `fromMs` is due for deletion: the smaller non-zero of the mount's and key's delete_version_after. */
export function deletionTime(fromMs: number, config: KvConfig, meta: KeyMeta): string {
  const mount = durationSeconds(config.delete_version_after);
  if (mount < 0) return '';
  const key = durationSeconds(meta.delete_version_after);
  const candidates = [mount, key].filter((s) => s > 0);
  return candidates.length ? rfc3339Nano(fromMs + Math.min(...candidates) * 1000) : '';
}

/** The envelope metadata of one version (Go's sorted map keys). */
export function versionMetadata(meta: KeyMeta, version: number, vm: VersionMeta): Record<string, unknown> {
  return {
    created_time: vm.created_time,
    custom_metadata: meta.custom_metadata,
    deletion_time: vm.deletion_time,
    destroyed: vm.destroyed,
    version,
  };
}
