/**
 * The three unauthenticated status documents every node serves: seal-status, health
 * and leader, in Vault's field order (Go struct order for raw handlers).
 */
import { BUILD_DATE, VAULT_VERSION } from '../version.ts';
import type { NodeState } from './node-machine.ts';
import type { SealConfig } from './seal-config.ts';

/** What the status builders need to know about a node. */
export interface StatusFacts {
  state: NodeState;
  initialized: boolean;
  sealConfig: SealConfig | undefined;
  progress: number;
  nonce: string;
  storageType: string;
  cluster: { name: string; id: string } | undefined;
  haEnabled: boolean;
  now: number;
  activeSince: number;
  leader: { apiAddr: string; clusterAddr: string } | undefined;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** `GET sys/seal-status`. */
export function sealStatus(f: StatusFacts): Record<string, unknown> {
  const sealed = f.state === 'sealed' || f.state === 'uninitialized' || f.state === 'stopped';
  const s: Record<string, unknown> = {
    type: 'shamir',
    initialized: f.initialized,
    sealed,
    t: f.sealConfig?.secretThreshold ?? 0,
    n: f.sealConfig?.secretShares ?? 0,
    progress: sealed ? f.progress : 0,
    nonce: sealed ? f.nonce : '',
    version: VAULT_VERSION,
    build_date: BUILD_DATE,
    migration: false,
  };
  if (!sealed && f.cluster) {
    s.cluster_name = f.cluster.name;
    s.cluster_id = f.cluster.id;
  }
  s.recovery_seal = false;
  s.storage_type = f.storageType;
  return s;
}

/** The health query parameters (already parsed) and their Vault defaults. */
export interface HealthQuery {
  standbyOk: boolean;
  activeCode: number;
  standbyCode: number;
  sealedCode: number;
  uninitCode: number;
}

/** Vault's status codes for sys/health when the query names none: what a load balancer's check sees. */
export const DEFAULT_HEALTH_CODES = {
  activeCode: 200,
  standbyCode: 429,
  sealedCode: 503,
  uninitCode: 501,
} as const satisfies Omit<HealthQuery, 'standbyOk'>;

/** `GET sys/health`: the status code chosen by Vault's precedence, and the body. */
export function health(f: StatusFacts, q: HealthQuery): { status: number; body: Record<string, unknown> } {
  const sealed = f.state !== 'active' && f.state !== 'standby';
  const standby = f.state !== 'active';
  let status: number;
  if (!f.initialized) status = q.uninitCode;
  else if (sealed) status = q.sealedCode;
  else if (standby && !q.standbyOk) status = q.standbyCode;
  else status = q.activeCode;
  const body: Record<string, unknown> = {
    initialized: f.initialized,
    sealed,
    standby,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(f.now / 1000),
    version: VAULT_VERSION,
    enterprise: false,
  };
  if (!sealed && f.cluster) {
    body.cluster_name = f.cluster.name;
    body.cluster_id = f.cluster.id;
  }
  if (f.state === 'standby') {
    body.ha_connection_healthy = f.leader !== undefined;
    body.last_request_forwarding_heartbeat_ms = 0;
  }
  body.echo_duration_ms = 0;
  body.clock_skew_ms = 0;
  body.replication_primary_canary_age_ms = 0;
  return { status, body };
}

/** `GET sys/leader`. */
export function leader(f: StatusFacts): Record<string, unknown> {
  const isSelf = f.state === 'active' && f.haEnabled;
  return {
    ha_enabled: f.haEnabled,
    is_self: isSelf,
    active_time: isSelf && f.activeSince ? new Date(f.activeSince).toISOString() : ZERO_TIME,
    leader_address: f.haEnabled ? (f.leader?.apiAddr ?? '') : '',
    leader_cluster_address: f.haEnabled ? (f.leader?.clusterAddr ?? '') : '',
    performance_standby: false,
    performance_standby_last_remote_wal: 0,
  };
}
