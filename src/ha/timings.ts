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
  /** Back-off after a storage error while campaigning (Vault's lockRetryInterval: 10 s); doubles with each failure in a row. */
  lockRetryMs: number;
  /**
   * The cap of that doubling (default lockRetryMs: no doubling). A full or failing disk fails
   * every node's campaign the same way; each failed try still costs a term, so retrying at a
   * fixed short interval only churns terms. One lock TTL: once storage heals a standby tries
   * again within one lease time, inside the drills' 2 × TTL liveness bound.
   */
  lockRetryMaxMs?: number;
  /**
   * How long storage keeps an unrenewed lease, when longer than lockTtlMs: Consul keeps a
   * session up to twice its TTL ("the TTL is a lower bound"). The holder still stops
   * serving at lockTtlMs after its last renewal.
   */
  sessionExpiryMs?: number;
  /** After a lease lapses (a crash, not a release), how long nobody may take the lock: Consul's lock-delay. */
  lockDelayMs?: number;
}

/** Vault's own defaults (`vault/ha.go`, the Consul and etcd backends). */
export const VAULT_TIMINGS: Timings = {
  lockTtlMs: 15_000,
  renewIntervalMs: 5_000,
  leaderCheckMs: 2_500,
  stepDownBackoffMs: 10_000,
  lockRetryMs: 10_000,
  lockRetryMaxMs: 15_000,
};

/**
 * Vault on Consul with its defaults (docs/architecture.md: Time): session TTL 15 s, renewed
 * at TTL/2 as Consul's RenewPeriodic does, invalidated up to 2 × TTL after the last
 * renewal, then a 15 s lock-delay. Published: 30–45 s after a crash, under 1 s when the
 * active steps down or is sealed (it releases the lock, so no lock-delay applies).
 */
export const CONSUL_TIMINGS: Timings = {
  lockTtlMs: 15_000,
  renewIntervalMs: 7_500,
  leaderCheckMs: 2_500,
  stepDownBackoffMs: 10_000,
  lockRetryMs: 10_000,
  lockRetryMaxMs: 15_000,
  sessionExpiryMs: 30_000,
  lockDelayMs: 15_000,
};

/** The lab's fast profile: a 1 s lease (safe on a loaded 2-core box: 660 ms of slack). */
export const LAB_TIMINGS: Timings = {
  lockTtlMs: 1_000,
  renewIntervalMs: 333,
  leaderCheckMs: 100,
  stepDownBackoffMs: 2_000,
  lockRetryMs: 200,
  lockRetryMaxMs: 1_000,
};

/** The longest a crashed active keeps everyone else from the lock: its lease as storage keeps it, plus any lock-delay. */
export function crashHoldMs(t: Timings): number {
  return (t.sessionExpiryMs ?? t.lockTtlMs) + (t.lockDelayMs ?? 0);
}

/** How long to wait before campaign try n+1 after `failures` tries in a row failed: lockRetryMs doubling, capped. */
export function lockRetryDelayMs(t: Timings, failures: number): number {
  const cap = Math.max(t.lockRetryMs, t.lockRetryMaxMs ?? t.lockRetryMs);
  return Math.min(cap, t.lockRetryMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
}

/** A profile with a different lock TTL, renewal kept at TTL/3 and the campaign back-off capped at the TTL. */
export function withLockTtl(base: Timings, lockTtlMs: number): Timings {
  return {
    ...base,
    lockTtlMs,
    renewIntervalMs: Math.max(1, Math.floor(lockTtlMs / 3)),
    lockRetryMaxMs: Math.max(base.lockRetryMs, lockTtlMs),
  };
}

/** The named profiles the CLI offers. */
export const TIMING_PROFILES: Record<string, Timings> = { lab: LAB_TIMINGS, vault: VAULT_TIMINGS, consul: CONSUL_TIMINGS };
