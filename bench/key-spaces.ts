/**
 * The secrets a bench server preloads and the cases read or write: each key space is a name
 * prefix, a number of keys and a value size. The read cache of the active holds
 * PLAINTEXT_CACHE_LIMIT entries (oldest out first) and a KV v2 secret takes two of them (its
 * metadata and its current version), so 5,000 secrets fit: uniform reads over the 10,000 small
 * ones miss about half the time, and the hit rate the server counted is reported beside them.
 */
import { PLAINTEXT_CACHE_LIMIT } from '../src/crypto/index.ts';

/**
 * One key space: secret/data/<prefix><n> for n in 0 … count − 1, each a `bytes`-long value; or, for
 * the transit engine, the one key transit/keys/<prefix> that values of `bytes` bytes are encrypted with.
 */
export interface KeySpace {
  prefix: string;
  count: number;
  bytes: number;
  /** Where it lives: KV v2 at secret/ (the default), or a transit key at transit/. */
  engine?: 'kv' | 'transit';
}

/** Secrets the read cases read: 10,000 of 100 B (twice what the cache holds), 100 of 10 KB, 10 of 1 MB. */
export const READ_KEYS = {
  small: { prefix: 'r', count: 10_000, bytes: 100 },
  medium: { prefix: 'm', count: 100, bytes: 10 * 1024 },
  large: { prefix: 'l', count: 10, bytes: 1024 * 1024 },
} satisfies Record<string, KeySpace>;

/** Secrets the write cases overwrite (preloaded, so every measured write updates a secret with history). */
export const WRITE_KEYS = {
  small: { prefix: 'ws', count: 1_000, bytes: 100 },
  medium: { prefix: 'wm', count: 1_000, bytes: 10 * 1024 },
  // Ten keys of 1 MB: ten versions each (KV v2's default max_versions) is already 100 MB in storage.
  large: { prefix: 'wl', count: 10, bytes: 1024 * 1024 },
} satisfies Record<string, KeySpace>;

/** The transit key the encrypt case uses (aes256-gcm96, Vault's default type), with 100 B plaintexts. */
export const TRANSIT_KEY: KeySpace = { prefix: 'bench-key', count: 1, bytes: 100, engine: 'transit' };

/** The Zipf exponent of the hot-set reads (YCSB's default skew). */
export const ZIPF_S = 0.99;

/** The read cache's size in entries, and in KV v2 secrets (two entries each). */
export const READ_CACHE = { entries: PLAINTEXT_CACHE_LIMIT, secrets: PLAINTEXT_CACHE_LIMIT / 2 };

/** The JSON body that encrypts a plaintext of `bytes` bytes (base64, as transit takes it). */
export function plaintextBody(bytes: number): string {
  return JSON.stringify({ plaintext: Buffer.alloc(bytes, 'x').toString('base64') });
}

/** The JSON body that writes a value of `bytes` bytes (the value field alone). */
export function secretBody(bytes: number): string {
  return JSON.stringify({ data: { value: 'x'.repeat(bytes) } });
}
