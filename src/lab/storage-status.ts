/**
 * What the lab says about its shared storage: which it is ("level (sync off)"), what opening
 * it warned about (a torn log), and whether it is failing writes now (a full disk, in the
 * database's own words). Start and end of failing writes go on the timeline as they happen,
 * so `status --all` and drill reports can say why nothing is being written.
 */
import type { Clock } from '../clock/index.ts';
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
