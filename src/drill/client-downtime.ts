/**
 * Downtime as the clients saw it: the time during which their requests got no successful
 * answer. A lock that still names a frozen active says nothing about service, so this is
 * read from the client operations, not from who holds the lock. A window opens when a
 * request is sent that gets no timely success (it is refused, hangs until the client gives
 * up, or is answered only after SLOW_ANSWER_MS) and closes at the first successful answer
 * to a request sent at or after it: answers to requests already in flight prove nothing
 * about whether a new request would be served.
 */
import { operations, type HistoryEvent } from './history.ts';

/**
 * An answer later than this counts as none for the time it took: the in-process drill
 * clients give up after 500 ms, and a request that hangs in a frozen node over HTTP (whose
 * clients wait longer, on a loaded machine) is then counted the same way.
 */
export const SLOW_ANSWER_MS = 500;

/** A stretch of clock time during which clients got no successful answer. */
export interface OutageWindow {
  from: number;
  to: number;
}

/** The windows without a successful answer within [from, to], merged where they overlap. */
export function outageWindows(events: readonly HistoryEvent[], from: number, to: number): OutageWindow[] {
  const ops = operations(events); // in the order they were sent
  // firstAnswer[i]: the earliest successful answer to a request sent at or after ops[i].
  const firstAnswer: number[] = new Array(ops.length + 1).fill(Infinity);
  for (let i = ops.length - 1; i >= 0; i--) {
    const done = ops[i].done;
    firstAnswer[i] = Math.min(firstAnswer[i + 1], done?.kind === 'ok' ? done.t : Infinity);
  }
  const windows: OutageWindow[] = [];
  ops.forEach((o, i) => {
    const timely = o.done?.kind === 'ok' && o.done.t - o.invoke.t <= SLOW_ANSWER_MS;
    if (timely) return;
    const start = Math.max(o.invoke.t, from);
    const end = Math.min(firstAnswer[i], to);
    if (end > start) windows.push({ from: start, to: end });
  });
  return merge(windows);
}

function merge(windows: OutageWindow[]): OutageWindow[] {
  const out: OutageWindow[] = [];
  for (const w of windows.sort((a, b) => a.from - b.from)) {
    const last = out.at(-1);
    if (last && w.from <= last.to) last.to = Math.max(last.to, w.to);
    else out.push({ ...w });
  }
  return out;
}

/** Total clock ms within [from, to] during which clients got no successful answer. */
export function clientDowntimeMs(events: readonly HistoryEvent[], from: number, to: number): number {
  return Math.round(outageWindows(events, from, to).reduce((sum, w) => sum + (w.to - w.from), 0));
}
