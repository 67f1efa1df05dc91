/**
 * Everything a node does to serve as the active, and everything it undoes when it stops
 * (the postUnseal and preSeal halves of Vault's `vault/core.go`): load the keyring of the
 * new term, fence every write with the term, cache reads, load the mount table, token
 * salt and policies, restore the revocation timers, and advertise the node in storage.
 * The HA lock itself (campaign, keep, release) is src/ha's; this module runs once the
 * lock is granted, or at unseal for a node without HA.
 */
import type { Clock } from '../../clock/index.ts';
import type { Barrier } from '../../crypto/index.ts';
import { StorageKeys } from '../../storage/index.ts';
import type { AuditTable, ExpirationManager, MountTable, PolicyStore, TokenStore } from '../logical/index.ts';
import type { ClusterIdentity } from './node-options.ts';

/** What activation loads and unloads. */
export interface ActivationParts {
  barrier: Barrier;
  mounts: MountTable;
  tokens: TokenStore;
  policies: PolicyStore;
  audit: AuditTable;
  expiration: ExpirationManager;
  clock: Clock;
  /** False: the active does not cache reads in its barrier (see Barrier.cacheReads). */
  readCache: boolean;
  /** What the leader entry advertises besides the cluster identity: this node's addresses. */
  advertise: { apiAddr: string; clusterAddr: string };
  /** Makes each term's cluster certificate and key; none: the node has no cluster port. */
  makeClusterIdentity?: (term: number) => Promise<ClusterIdentity>;
}

/**
 * The leader entry at `core/leader/<holder>`, behind the barrier because it holds the cluster
 * key (as Vault's advertisement does): standbys read it to present the term's certificate.
 */
export interface LeaderEntry {
  apiAddr: string;
  clusterAddr: string;
  term: number;
  clusterCert?: string;
  clusterKey?: string;
}

/** The cluster certificate and key in `holder`'s leader entry, if it has one. */
export async function advertisedIdentity(barrier: Barrier, holder: string): Promise<ClusterIdentity | undefined> {
  const raw = await barrier.get(`${StorageKeys.leaderPrefix}${holder}`);
  if (!raw) return undefined;
  const entry = JSON.parse(new TextDecoder().decode(raw)) as LeaderEntry;
  return entry.clusterCert && entry.clusterKey ? { cert: entry.clusterCert, key: entry.clusterKey } : undefined;
}

/** One node's way into and out of active. */
export class Activation {
  /** Moves into and out of active so far (what a request compares to learn it stayed in one term). */
  changes = 0;
  /** The cluster certificate and key of the term this node serves as active; none while it is not. */
  identity: ClusterIdentity | undefined;

  constructor(private readonly p: ActivationParts) {}

  /**
   * With the HA lock granted for `term`: the keyring another active may have rotated, the
   * fencing term on every write, the tables, then the leader entry under `holder`. A
   * failure undoes what was done and throws: the campaign gives the lock back.
   */
  async activate(term: number, holder: string): Promise<void> {
    const { barrier } = this.p;
    this.changes++;
    try {
      await barrier.reloadKeyring();
      barrier.setWriteOptions({ term });
      // Holding the lock under fencing, this node is the only writer storage accepts: its reads may be cached.
      barrier.cacheReads(this.p.readCache);
      await this.loadTables();
      const identity = await this.p.makeClusterIdentity?.(term);
      const entry: LeaderEntry = { ...this.p.advertise, term, clusterCert: identity?.cert, clusterKey: identity?.key };
      await barrier.put(`${StorageKeys.leaderPrefix}${holder}`, new TextEncoder().encode(JSON.stringify(entry)));
      await this.clearOtherEntries(holder);
      this.identity = identity;
    } catch (err) {
      this.deactivate();
      throw err;
    }
  }

  /**
   * Deletes the leader entries of earlier terms, as Vault's new active clears the leader
   * prefix: an old term's cluster key has no use left, and a crashed active never removed its own.
   */
  private async clearOtherEntries(holder: string): Promise<void> {
    const { barrier } = this.p;
    for (const name of await barrier.list(StorageKeys.leaderPrefix)) {
      if (name !== holder) await barrier.delete(`${StorageKeys.leaderPrefix}${name}`);
    }
  }

  /**
   * Loads what an active node serves from (mount table, token salt, audit devices, policies) and restores
   * the revocation timers from the stored tokens, as Vault's expiration manager does on
   * activation: what expired while no node was active is revoked at once.
   */
  async loadTables(): Promise<void> {
    const { mounts, tokens, policies, audit, expiration, clock } = this.p;
    await mounts.load();
    await tokens.load();
    await audit.load();
    policies.clear();
    const now = clock.now();
    const stored = await tokens.expiries();
    expiration.start(stored.map((t) => ({ id: t.hash, expireTime: t.revocationPending ? now : t.expireTime })));
  }

  /**
   * Leaving active by any road: stop revoking, drop the token and policy caches, stop
   * caching reads (another node may write from now on). The old term stays on the barrier:
   * a request still in flight from the active days must be fenced by it once a newer term
   * is granted, never written unfenced.
   */
  deactivate(): void {
    this.changes++;
    this.identity = undefined;
    this.p.expiration.stop();
    this.p.tokens.unload();
    this.p.audit.unload();
    this.p.policies.clear();
    this.p.barrier.cacheReads(false);
  }
}
