/**
 * What a logical request may reach on its node, and nothing more (Vault's
 * `logical.SystemView`). Engines, the token service and the request handler take this
 * view, never the node: they cannot unseal, seal, campaign or read a key, and the arrow
 * between the node's two halves runs one way (core → logical).
 */
import type { Clock } from '../../clock/index.ts';
import type { KeyStatus, Storage } from '../../crypto/index.ts';
import type { AuditTable } from './audit/audit-table.ts';
import type { ExpirationManager } from './expiration-manager.ts';
import type { HaStatusNode } from './ha-members.ts';
import type { MountTable } from './mounts.ts';
import type { PolicyStore } from './policy-store.ts';
import type { TokenStore } from './token/token-store.ts';
import type { NodeTelemetry } from '../telemetry/index.ts';

/** The node as the logical side sees it. */
export interface SystemView {
  /** The node's time source (simulated in drills). */
  readonly clock: Clock;
  /** Barrier storage for system entries (token roles, accessors); encrypted at rest. */
  readonly storage: Storage;
  /** A prefix-scoped view of barrier storage (Vault's BarrierView), e.g. `logical/<mount uuid>/`. */
  view(prefix: string): Storage;
  /** Tokens by id, accessor and salted hash. */
  readonly tokens: TokenStore;
  /** The mount table the router matches against. */
  readonly mounts: MountTable;
  /** Stored and built-in policies, and the ACLs made from them. */
  readonly policies: PolicyStore;
  /** The audit devices: every request and response is written to them while one is enabled. */
  readonly audit: AuditTable;
  /** Revokes tokens on time while this node is active. */
  readonly expiration: ExpirationManager;
  /** Throws SealedError or StandbyError unless this node may serve as the active now. */
  assertActive(): void;
  /** While the lab holds this node paused, resolves when it resumes; undefined otherwise. */
  held(): Promise<void> | undefined;
  /** Counts this node's moves into and out of active: a change means another node may have written meanwhile. */
  activations(): number;
  /** `sys/ha-status`: this node and the standbys it has heard from since it became active. */
  haMembers(): HaStatusNode[];
  /** The barrier's keyring as sys/rotate and sys/key-status reach it: a new term, and the active one's facts (never a key). */
  readonly keyring: { rotate(): Promise<number>; status(): KeyStatus };
  /** The node's metrics (sys/metrics), which the request path times. */
  readonly telemetry: NodeTelemetry;
}
