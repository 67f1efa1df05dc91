/**
 * Downtime as the clients saw it: the time during which their requests got no successful
 * answer. A lock that still names a frozen active says nothing about service, so this is
 * read from the client operations, not from who holds the lock: a window opens when a
 * request is sent that ends without success (refused, or hung until the client gave up)
 * and closes at the next successful answer any client got after that moment.
 */
import { operations, type HistoryEvent } from './history.ts';

/** A stretch of clock time during which clients got no successful answer. */
export interface OutageWindow {
  from: number;
  to: number;
}

/** The windows without a successful answer within [from, to], merged where they overlap. */
export function outageWindows(events: readonly HistoryEvent[], from: number, to: number): OutageWindow[] {
  const ops = operations(events);
  // Successful answers by position in the history (virtual clocks give many events one time).
  const successes = ops
    .filter((o) => o.done?.kind === 'ok')
    .map((o) => ({ at: o.doneAt!, t: o.done!.t }))
    .sort((a, b) => a.at - b.at);
  const windows: OutageWindow[] = [];
  for (const o of ops) {
    if (o.done?.kind === 'ok') continue;
    const start = Math.max(o.invoke.t, from);
    if (start >= to) continue;
    const answer = successes.find((s) => s.at > o.at);
    const end = Math.min(answer?.t ?? to, to);
    if (end > start) windows.push({ from: start, to: end });
  }
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
