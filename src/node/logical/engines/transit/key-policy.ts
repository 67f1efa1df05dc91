/**
 * A named transit key (keysutil.Policy): its versions of key material, and the settings that
 * decide which versions may encrypt and decrypt. One record per key at `policy/<name>` in the
 * mount's storage, as Vault keeps it, so whichever node is active reads the same keyring; the
 * record goes through the barrier like every engine value, so key material is never plaintext
 * in the backend. Vault moves versions below min_decryption_version to `archive/<name>`; the
 * lab keeps them in the one record and leaves them out of reads, which answers the same.
 */
import { randomKey, type Storage, type TransitCipherType } from '../../../../crypto/index.ts';
import { getJson, putJson } from '../engine.ts';
import { base64 } from './go-base64.ts';

/** The key types the lab serves (Vault has more; create refuses the rest with Vault's error). */
export type TransitKeyType = TransitCipherType;
export const KEY_TYPES: readonly TransitKeyType[] = ['aes256-gcm96', 'chacha20-poly1305'];

/** One version of a key (KeyEntry), in Vault's stored field names. */
export interface KeyVersion {
  /** The AEAD key, base64. */
  key: string;
  /** The version's HMAC key (32 random bytes, base64), as Vault gives every non-HMAC key. */
  hmac_key: string;
  /** RFC 3339 creation time. */
  time: string;
  /** Unix seconds: what a read reports under `keys`. */
  creation_time: number;
}

/** A key's record (keysutil.Policy's persisted fields that apply to these types). */
export interface KeyPolicy {
  name: string;
  type: TransitKeyType;
  keys: Record<string, KeyVersion>;
  derived: boolean;
  exportable: boolean;
  allow_plaintext_backup: boolean;
  deletion_allowed: boolean;
  min_decryption_version: number;
  min_encryption_version: number;
  min_available_version: number;
  latest_version: number;
  /** Seconds; 0 disables automatic rotation (which the lab does not run). */
  auto_rotate_period: number;
}

/** Where a key's record lives in the mount's storage. */
export function policyKey(name: string): string {
  return `policy/${name}`;
}

/** The record of `name`, or undefined when there is none. */
export function readPolicy(storage: Storage, name: string): Promise<KeyPolicy | undefined> {
  return getJson<KeyPolicy>(storage, policyKey(name));
}

/** Stores a record. */
export function writePolicy(storage: Storage, p: KeyPolicy): Promise<void> {
  return putJson(storage, policyKey(p.name), p);
}

/** A new version of fresh random material, created at `nowMs` (RotateInMemory). */
function newVersion(nowMs: number): KeyVersion {
  return {
    key: base64(randomKey(32)),
    hmac_key: base64(randomKey(32)),
    time: new Date(nowMs).toISOString(),
    creation_time: Math.floor(nowMs / 1000),
  };
}

/** The settings a create takes (PolicyRequest). */
export interface NewPolicy {
  name: string;
  type: TransitKeyType;
  exportable?: boolean;
  allowPlaintextBackup?: boolean;
  autoRotatePeriod?: number;
}

/** A new key with its first version (min_decryption_version 1, as Vault starts it). */
export function createPolicy(req: NewPolicy, nowMs: number): KeyPolicy {
  return {
    name: req.name,
    type: req.type,
    keys: { '1': newVersion(nowMs) },
    derived: false,
    exportable: req.exportable ?? false,
    allow_plaintext_backup: req.allowPlaintextBackup ?? false,
    deletion_allowed: false,
    min_decryption_version: 1,
    min_encryption_version: 0,
    min_available_version: 0,
    latest_version: 1,
    auto_rotate_period: req.autoRotatePeriod ?? 0,
  };
}

/** The record with one more version, which becomes the latest. */
export function rotated(p: KeyPolicy, nowMs: number): KeyPolicy {
  const latest = p.latest_version + 1;
  return { ...p, latest_version: latest, keys: { ...p.keys, [String(latest)]: newVersion(nowMs) } };
}

/** The AEAD key of a version, or undefined when the record has no such version. */
export function keyBytes(p: KeyPolicy, version: number): Uint8Array | undefined {
  const v = p.keys[String(version)];
  return v && new Uint8Array(Buffer.from(v.key, 'base64'));
}

/** The HMAC key of a version, or undefined when the record has no such version. */
export function hmacKeyBytes(p: KeyPolicy, version: number): Uint8Array | undefined {
  const v = p.keys[String(version)];
  return v && new Uint8Array(Buffer.from(v.hmac_key, 'base64'));
}

/** The versions a read lists: from min_decryption_version up (Vault archives the older ones). */
function liveVersions(p: KeyPolicy): Record<string, number> {
  const out: Record<string, number> = {};
  for (let v = p.min_decryption_version; v <= p.latest_version; v++) {
    const k = p.keys[String(v)];
    if (k) out[String(v)] = k.creation_time;
  }
  return out;
}

/** A key as `keys/:name` reads it (formatKeyPolicy), for the symmetric types. */
export function formatPolicy(p: KeyPolicy): Record<string, unknown> {
  return {
    allow_plaintext_backup: p.allow_plaintext_backup,
    auto_rotate_period: p.auto_rotate_period,
    deletion_allowed: p.deletion_allowed,
    derived: p.derived,
    exportable: p.exportable,
    imported_key: false,
    keys: liveVersions(p),
    latest_version: p.latest_version,
    min_available_version: p.min_available_version,
    min_decryption_version: p.min_decryption_version,
    min_encryption_version: p.min_encryption_version,
    name: p.name,
    supports_decryption: true,
    supports_derivation: true,
    supports_encryption: true,
    supports_signing: false,
    type: p.type,
  };
}
