/**
 * A process lab as the event hub reads it (lab-events.ts), so its dashboard is fed the same
 * stream as an in-process lab's: the lab's own timeline (faults, signals, exits), and what
 * each node saw itself (its state, the lock and its renewals, fenced writes), read from the
 * node's event log as the node appends it. The logs are followed only while someone watches;
 * the first watcher's attach reads what they hold so far into the timeline, so a page opened
 * late still shows what led here.
 */
import { RealClock } from '../../clock/index.ts';
import { HELLO_TIMELINE_EVENTS, helloTimings, type LabEventSource, type LabFeed, type LockMessage } from '../lab-events.ts';
import type { LabStatus } from '../lab-status.ts';
import type { NodeLogEvent } from '../node-event-log.ts';
import type { TimelineEvent } from '../timeline.ts';
import { EventLogTail } from './event-log-tail.ts';
import type { ProcessLab } from './process-lab.ts';

/** How often the nodes' logs are read while someone watches: well under a lease renewal of the lab profile. */
const FOLLOW_EVERY_MS = 100;

/** A node's log line as the timeline tells it, in an in-process lab's words (lab-node.ts); writes and renewals stay out. */
function timelineEvent(e: NodeLogEvent): TimelineEvent | undefined {
  if (e.kind === 'state') return { time: e.t, node: e.node, type: 'state', detail: `${e.from} → ${e.to}` };
  if (e.kind === 'lock' && e.event !== 'renewed') return { time: e.t, node: e.node, type: `lock-${e.event}`, detail: `term ${e.term}` };
  if (e.kind === 'fenced')
    return { time: e.t, node: e.node, type: 'fenced', detail: `write of term ${e.term} refused at term ${e.currentTerm}` };
  return undefined;
}

/** The event source of a process lab. */
export function processEvents(lab: ProcessLab): LabEventSource {
  const clock = new RealClock();
  const ttl = lab.timings.lockTtlMs;
  const tails = lab.nodes.map((n) => new EventLogTail(n.o.eventLog));
  /** The lease as the holder last renewed it (a node's log says when; etcd keeps the TTL). */
  let lease: Pick<LockMessage, 'holder' | 'term' | 'expires'> | undefined;

  /** Every node's new lines, in time order. */
  const newLines = () => tails.flatMap((t) => t.read()).sort((a, b) => a.t - b.t);

  /** Follows the lease through one log line, and sends its messages when someone listens. */
  const take = (e: NodeLogEvent, feed?: LabFeed) => {
    if (e.kind === 'lock') {
      const holding = e.event === 'acquired' || e.event === 'renewed';
      const m: LockMessage = { time: e.t, event: e.event, holder: e.node, term: e.term, expires: holding ? e.t + ttl : e.t };
      if (holding) lease = m;
      else if (lease?.holder === e.node) lease = undefined;
      feed?.lock(m);
    }
    if (e.kind === 'fenced') feed?.fenced({ time: e.t, term: e.term, current_term: e.currentTerm });
  };

  /** The lease left on the lock etcd says is held, from its holder's last renewal. */
  const withLease = (s: LabStatus): LabStatus => {
    const l = s.lock;
    if (!l.held || !lease || lease.holder !== l.holder || lease.term !== l.term) return s;
    return { ...s, lock: { ...l, lease_remaining_ms: Math.max(0, lease.expires - clock.now()) } };
  };

  return {
    clock,
    hello: () => ({
      timings: helloTimings(lab.timings),
      fencing: lab.storage?.fences() ?? false,
      topology: null,
      timeline: lab.timeline.events.slice(-HELLO_TIMELINE_EVENTS),
    }),
    status: async () => withLease(await lab.status()),
    attach: (feed) => {
      // What the logs hold so far joins the timeline as the past (hello tells it), in time order with what the lab did.
      const past = newLines();
      for (const e of past) take(e);
      lab.timeline.addPast(past.map(timelineEvent).filter((e): e is TimelineEvent => e !== undefined));
      const offTimeline = lab.timeline.subscribe((e) => feed.timeline(e));
      const timer = setInterval(() => {
        for (const e of newLines()) {
          take(e, feed);
          const event = timelineEvent(e);
          if (event) lab.timeline.add(event);
        }
      }, FOLLOW_EVERY_MS);
      return () => {
        clearInterval(timer);
        offTimeline();
      };
    },
  };
}
