/** Why the lab is not serving as it should: storage refusing writes, start-up warnings, standbys failing to take the lock. */
import type { Cluster } from './cluster.ts';

/** What `status --all` shows under its table when the lab is in trouble, read from the lab's state (not from its timeline). */
export interface LabTrouble {
  /** Storage refuses writes: since when, in the database's words. */
  storageFailure?: { since: number; message: string };
  /** What opening storage warned about (a torn log). */
  storageWarnings: string[];
  /** While no node is active: each standby whose campaign keeps failing, and why. */
  campaigns: Array<{ node: string; reason: string }>;
}

/** The lab's trouble now: failing storage, start-up warnings, and why no standby becomes active. */
export function labTrouble(cluster: Cluster): LabTrouble {
  const failing = cluster.storageStatus.failure();
  // Once a node is active the others only wait for the lock: nothing to explain.
  const campaigns = cluster.active()
    ? []
    : cluster.nodes.flatMap((n) => {
        const f = n.node.state === 'standby' ? n.node.ha?.campaignFailure() : undefined;
        return f ? [{ node: n.name, reason: f.term ? `term ${f.term}: ${f.reason}` : f.reason }] : [];
      });
  return {
    storageFailure: failing && { since: failing.since, message: failing.message },
    storageWarnings: [...cluster.storageStatus.warnings],
    campaigns,
  };
}
