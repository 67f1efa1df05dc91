/**
 * Stale redirects, read from the history: requests a standby sent on to a node whose
 * connection was then refused. A standby names the active it last saw, and while a dead
 * active's lease still runs the lock names it too, so every redirect goes to the dead node
 * until a new active takes the lock and the standbys read it. The story, the timeline and
 * the scenario's expectation all count them here.
 */
import { seconds } from './event-text.ts';
import { isComplete, type Complete, type HistoryEvent } from './history.ts';

/** Consecutive stale redirects to one node: from when until when, who the standbys named next, and the requests themselves. */
export interface StaleRedirectRun {
  to: string;
  /** The first and last refused follow (clock ms). */
  from: number;
  until: number;
  /** The node the next followed redirect reached, once the standbys named another. */
  next?: string;
  /** The completions of the run, in order. */
  completions: Complete[];
}

/** The runs of stale redirects in a history, in order; a redirect that reached its node closes the open run. */
export function staleRedirectRuns(events: readonly HistoryEvent[]): StaleRedirectRun[] {
  const runs: StaleRedirectRun[] = [];
  let open: StaleRedirectRun | undefined;
  for (const e of events) {
    if (!isComplete(e) || !e.redirect) continue;
    const { to, refused } = e.redirect;
    if (!refused) {
      if (open) open.next = to;
      open = undefined;
      continue;
    }
    if (open?.to !== to) {
      open = { to, from: e.t, until: e.t, completions: [] };
      runs.push(open);
    }
    open.until = e.t;
    open.completions.push(e);
  }
  return runs;
}

/** A run told in a sentence: "12 requests were redirected to node1 after it went down, for 0.84 s, until the standbys named node2". */
export function staleRedirectText(run: StaleRedirectRun): string {
  const count = run.completions.length;
  const requests = count === 1 ? '1 request was' : `${count} requests were`;
  const span = count === 1 ? '' : `, for ${seconds(run.until - run.from)}`;
  const until = run.next && run.next !== run.to ? `, until the standbys named ${run.next}` : '';
  return `${requests} redirected to ${run.to} after it went down${span}${until}`;
}
