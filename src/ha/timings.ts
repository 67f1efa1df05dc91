/**
 * Every duration of the HA protocol in one object, so a lab can run Vault's real
 * defaults (lock TTL 15 s, leader check 2.5 s, step-down back-off 10 s) or a fast
 * profile that makes drills finish in seconds, and drills can run either in virtual time.
 */

/** The HA protocol's durations, in milliseconds. */
export interface Timings {
  /** How long a lock lease lasts without renewal (Vault on Consul/etcd: 15 s). */
  lockTtlMs: number;
  /** How often the active renews its lease (TTL/3 in vaultlab's design). */
  renewIntervalMs: number;
  /** How often a standby re-reads who the active is (Vault: 2.5 s). */
  leaderCheckMs: number;
  /** How long a node that stepped down waits before campaigning again (Vault: 10 s). */
  stepDownBackoffMs: number;
  /** Back-off after a storage error while campaigning (Vault's lockRetryInterval: 10 s). */
  lockRetryMs: number;
}

/** Vault's own defaults (`vault/ha.go`, the Consul and etcd backends). */
export const VAULT_TIMINGS: Timings = {
  lockTtlMs: 15_000,
  renewIntervalMs: 5_000,
  leaderCheckMs: 2_500,
  stepDownBackoffMs: 10_000,
  lockRetryMs: 10_000,
};

/** The lab's fast profile: a 1 s lease (safe on a loaded 2-core box: 660 ms of slack). */
export const LAB_TIMINGS: Timings = {
  lockTtlMs: 1_000,
  renewIntervalMs: 333,
  leaderCheckMs: 100,
  stepDownBackoffMs: 2_000,
  lockRetryMs: 200,
};

/** A profile with a different lock TTL, renewal kept at TTL/3. */
export function withLockTtl(base: Timings, lockTtlMs: number): Timings {
  return { ...base, lockTtlMs, renewIntervalMs: Math.max(1, Math.floor(lockTtlMs / 3)) };
}

/** The named profiles the CLI offers. */
export const TIMING_PROFILES: Record<string, Timings> = { lab: LAB_TIMINGS, vault: VAULT_TIMINGS };
