/**
 * What the lab says about its shared storage: which it is ("level (sync off)"), what opening
 * it warned about (a torn log), and whether it is failing writes now (a full disk, in the
 * database's own words). Start and end of failing writes go on the timeline as they happen,
 * so `status --all` and drill reports can say why nothing is being written.
 */
import type { Clock } from '../clock/index.ts';
import type { Cluster } from './cluster.ts';
import { LevelBackend, type AbstractBackend, type WriteFailure } from '../storage/index.ts';
import type { Timeline } from './timeline.ts';

/** The lab's view of its storage. */
export class StorageStatus {
  constructor(
    private readonly backend: AbstractBackend,
    timeline: Timeline,
    clock: Clock,
  ) {
    for (const w of backend.warnings) timeline.add({ time: clock.now(), node: 'storage', type: 'storage-warning', detail: w });
    // Health only: a listener for every event would make storage build write events on the hot path.
    backend.onEvent(
      (e) => {
        if (e.type !== 'health') return;
        const detail = e.failure ? `writes failing: ${e.failure.message}` : 'writes work again';
        timeline.add({ time: clock.now(), node: 'storage', type: e.failure ? 'storage-failing' : 'storage-recovered', detail });
      },
      ['health'],
    );
  }

  /** The storage in a few words, for banners: "level (sync off)", "memory". */
  get label(): string {
    return this.backend instanceof LevelBackend ? `level (sync ${this.backend.sync ? 'on' : 'off'})` : 'memory';
  }

  /** What opening storage warned about (a torn log), for the start-up output. */
  get warnings(): readonly string[] {
    return this.backend.warnings;
  }

  /** Why storage refuses writes now, or undefined while it takes them. */
  failure(): WriteFailure | undefined {
    return this.backend.writeFailure();
  }
}

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
