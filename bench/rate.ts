/**
 * Requests per second over the time a client really measured. autocannon only stops at its next
 * one-second sample tick (asked for 0.5 s, it runs about 1.01 s and counts every request of that
 * second), so dividing by the duration asked for would double a half-second run's rate.
 */

/** What one measurement counted: completed requests between two instants (ms since the epoch, or any common origin). */
export interface Counted {
  requests: number;
  startMs: number;
  finishMs: number;
}

/** Completed requests per second of measured time; 0 when nothing was measured. */
export function measuredRate({ requests, startMs, finishMs }: Counted): number {
  const seconds = (finishMs - startMs) / 1000;
  if (!(seconds > 0)) return 0;
  return requests / seconds;
}

/** What autocannon's result says it counted: its completed requests, and when it started and stopped. */
export function autocannonCounted(r: { requests: { total: number }; start: Date; finish: Date }): Counted {
  return { requests: r.requests.total, startMs: r.start.getTime(), finishMs: r.finish.getTime() };
}
