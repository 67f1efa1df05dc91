/**
 * The story of a drill in plain language, at times relative to its start: who was active,
 * what fault hit whom, whose lease ran out, who took the lock with which term, when clients
 * went without answers, and what storage did with a woken node's stale writes. Built from
 * the history alone, so a saved history.jsonl tells the same story.
 */
import { outageWindows, type OutageWindow } from './client-downtime.ts';
import { balancerText, faultText, lockText, relativeTime, seconds, stateText, termHolders } from './event-text.ts';
import { isComplete, type Complete, type HistoryEvent } from './history.ts';
import { drillKeys, keyNamer } from './key-names.ts';
import { staleRedirectRuns, staleRedirectText } from './stale-redirects.ts';

/** What the story needs of a drill. */
export interface StorySource {
  events: readonly HistoryEvent[];
  /** Clock time of the start of the load window: the story's 0.00 s. */
  startTime: number;
  /** The history's length at that time (what came before is the cluster's start-up). */
  startIndex: number;
  /** When the clients stopped. */
  loadEnd: number;
  keys: number;
}

/**
 * Gaps shorter than this get no sentences of their own (a few clients stuck on a frozen
 * node while others are served make many): the closing line counts them in.
 */
const OUTAGE_WORTH_TELLING_MS = 250;

/** One thing that happened; `writes` marks the storage writes that are told as a count. */
interface Beat {
  t: number;
  /** Fault ends sort first among beats at the same instant: a woken node wakes before it acts. */
  first: boolean;
  node?: string;
  text: string;
  writes?: { holder: string; term: number; fenced: boolean; key: string };
}

/** The story as lines: "1.67 s node2 took the lock (term 2)". */
export function drillStory(s: StorySource): string[] {
  const beats = [...clusterBeats(s), ...outageBeats(s), ...redirectBeats(s)]
    .map((b, i) => ({ b, i }))
    .sort((x, y) => x.b.t - y.b.t || Number(y.b.first) - Number(x.b.first) || x.i - y.i)
    .map((x) => x.b);
  const lines: Array<{ t: number; node?: string; text: string }> = [{ t: s.startTime, text: opening(s) }];
  for (const group of groupWrites(beats)) {
    const last = lines.at(-1)!;
    // Stale writes join the line of the node that sent them when it is the last one told ("node1 woke up; 3 of its writes ...").
    if (group.clause && group.node !== undefined && group.node === last.node) last.text += `; ${group.clause}`;
    else lines.push({ t: group.t, node: group.node, text: group.text });
  }
  return lines.map((l) => `${relativeTime(l.t, s.startTime)} ${l.text}`);
}

/** Who was what when the load started: "node1 active (term 1); node2, node3 standby". */
function opening(s: StorySource): string {
  const state = new Map<string, string>();
  let term = 0;
  for (const e of s.events.slice(0, s.startIndex)) {
    if (e.kind === 'state') state.set(e.node, e.to);
    if (e.kind === 'lock' && e.event === 'acquired') term = e.term;
  }
  const byState = new Map<string, string[]>();
  for (const [node, st] of [...state].sort()) byState.set(st, [...(byState.get(st) ?? []), node]);
  return [...byState]
    .sort(([a], [b]) => Number(b === 'active') - Number(a === 'active'))
    .map(([st, nodes]) => `${nodes.join(', ')} ${st}${st === 'active' && term ? ` (term ${term})` : ''}`)
    .join('; ');
}

/** Beats from the cluster's own events after the start. */
function clusterBeats(s: StorySource): Beat[] {
  const holders = termHolders(s.events);
  const name = keyNamer(drillKeys(s.keys));
  let newest = 0;
  const beats: Beat[] = [];
  for (const e of s.events.slice(s.startIndex)) {
    if (e.kind === 'lock' && e.event === 'acquired') newest = Math.max(newest, e.term);
    const text = clusterText(e);
    const node = e.kind === 'fault' ? e.target : e.kind === 'state' || e.kind === 'lock' || e.kind === 'balancer' ? e.node : undefined;
    if (text) beats.push({ t: e.t, first: e.kind === 'fault' && !e.on, node, text });
    const stale = e.kind === 'fenced' || (e.kind === 'storageWrite' && e.term !== undefined && e.term < newest);
    if (stale && e.term !== undefined) {
      const holder = holders.get(e.term) ?? `term ${e.term}`;
      beats.push({
        t: e.t,
        first: false,
        node: holder,
        text: '',
        writes: { holder, term: e.term, fenced: e.kind === 'fenced', key: name(e.key) },
      });
    }
  }
  return beats;
}

/** The sentence for a cluster event ('' when it is not told). */
function clusterText(e: HistoryEvent): string {
  if (e.kind === 'state') return stateText(e);
  if (e.kind === 'lock') return lockText(e);
  if (e.kind === 'fault') return faultText(e);
  return e.kind === 'balancer' ? balancerText(e) : '';
}

/** Beats for the stretches during which clients got no successful answer. */
function outageBeats(s: StorySource): Beat[] {
  const events = s.events.slice(s.startIndex);
  const windows = outageWindows(events, s.startTime, s.loadEnd);
  const total = windows.reduce((sum, w) => sum + (w.to - w.from), 0);
  const closing = `the clients stopped; in all they went ${seconds(total)} without a successful answer`;
  const answered = new Set(events.flatMap((e) => (e.kind === 'ok' ? [e.op] : [])));
  return [
    ...windows
      .filter((w) => w.to - w.from >= OUTAGE_WORTH_TELLING_MS)
      .flatMap((w) => [
        { t: w.from, first: false, text: `clients stopped getting answers${hangingOn(events, answered, w)}` },
        { t: w.to, first: false, text: `clients got answers again, after ${seconds(w.to - w.from)} without one` },
      ]),
    { t: s.loadEnd, first: false, text: closing },
  ];
}

/**
 * A beat for each run of redirects that led clients to a node that was down, told where the run
 * began, and one where a redirect first sent a client back to the address it had asked.
 */
function redirectBeats(s: StorySource): Beat[] {
  const events = s.events.slice(s.startIndex);
  const beats = staleRedirectRuns(events).map((run) => ({ t: run.from, first: false, text: staleRedirectText(run) }));
  const loops = events.filter((e): e is Complete => isComplete(e) && e.redirect?.loop === true);
  const first = loops[0];
  if (first)
    beats.push({
      t: first.t,
      first: false,
      text:
        `a standby's 307 sent a client back to the address it had asked (${new URL(first.redirect!.to).origin}): every node advertises the balancer ` +
        `as its api_addr, so following the redirect starts the request over (the redirect loop); ${loops.length} redirect(s) looped`,
    });
  return beats;
}

/**
 * Why a window opened, when most requests that went unanswered in it were sent to a paused
 * node: a frozen active still looks active to a load balancer, so requests keep going there.
 * `answered`: the operations that got a successful answer (built once for every window).
 */
function hangingOn(events: readonly HistoryEvent[], answered: ReadonlySet<number>, w: OutageWindow): string {
  const paused = new Set<string>();
  let toPaused = 0;
  let unanswered = 0;
  const nodes = new Set<string>();
  for (const e of events) {
    if (e.kind === 'fault' && e.name === 'pause') {
      if (e.on) paused.add(e.target);
      else paused.delete(e.target);
    }
    if (e.kind !== 'invoke' || e.t < w.from || e.t >= w.to || answered.has(e.op)) continue;
    unanswered++;
    if (!paused.has(e.node)) continue;
    toPaused++;
    nodes.add(e.node);
  }
  return toPaused * 2 > unanswered ? ` (requests sent to the paused ${[...nodes].join(' and ')} hang)` : '';
}

/** One line of the story before it is printed: a beat, or a run of stale writes told once. */
interface Told {
  t: number;
  node?: string;
  text: string;
  /** For a run of stale writes, the clause that can join the node's previous line: "3 of its writes were refused by fencing". */
  clause?: string;
}

/** Beats in order, with each run of consecutive stale writes from one node folded into one. */
function groupWrites(beats: Beat[]): Told[] {
  const out: Told[] = [];
  for (let i = 0; i < beats.length; i++) {
    const b = beats[i];
    if (!b.writes) {
      out.push({ t: b.t, node: b.node, text: b.text });
      continue;
    }
    const w = b.writes;
    const sameRun = (next: Beat | undefined) => next?.writes?.holder === w.holder && next.writes.fenced === w.fenced;
    let n = 1;
    while (sameRun(beats[i + 1])) {
      n++;
      i++;
    }
    const fate = w.fenced ? `refused by fencing` : `accepted by storage from its old term ${w.term}: split brain`;
    const clause = n === 1 ? `1 of its writes (${w.key}) was ${fate}` : `${n} of its writes were ${fate}`;
    out.push({ t: b.t, node: w.holder, clause, text: clause.replace('of its', `of ${w.holder}'s`) });
  }
  return out;
}
