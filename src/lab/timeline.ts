/**
 * The lab's record of what happened: node state changes, lock acquisitions and losses,
 * faults and lab actions, in order. Drills and the CLI read it; it never holds a secret.
 */

/** One event of the timeline. */
export interface TimelineEvent {
  /** ms since the epoch (virtual under a SimClock). */
  time: number;
  node: string;
  type: string;
  detail: string;
}

/** An append-only list of events with subscribers. */
export class Timeline {
  readonly events: TimelineEvent[] = [];
  private readonly listeners = new Set<(e: TimelineEvent) => void>();

  /** Appends an event and tells every subscriber. */
  add(e: TimelineEvent): void {
    this.events.push(e);
    for (const fn of this.listeners) fn(e);
  }

  /**
   * Files events that happened earlier, each at its time among those already kept, without
   * telling subscribers: the past as someone learns it late (a node's log read after the fact).
   */
  addPast(events: readonly TimelineEvent[]): void {
    this.events.push(...events);
    // Stable: events at one time keep the order they were recorded in.
    this.events.sort((a, b) => a.time - b.time);
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(fn: (e: TimelineEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
