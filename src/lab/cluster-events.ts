/**
 * An in-process lab as the event hub reads it (lab-events.ts): the timeline as the lab records
 * it, the HA lock and fencing as storage reports them, and each node's answers by route, which
 * the nodes count only while the hub is attached.
 */
import { StorageKeys, type StorageEvent } from '../storage/index.ts';
import type { Cluster } from './cluster.ts';
import { HELLO_TIMELINE_EVENTS, helloTimings, type LabEventSource, type LabFeed } from './lab-events.ts';
import { labStatus } from './lab-status.ts';

/** The node a lock holder id belongs to: lab nodes take the lock as `<name>-<random>`. */
function nodeOfHolder(cluster: Cluster, holder: string): string {
  return cluster.nodes.find((n) => holder.startsWith(`${n.name}-`))?.name ?? holder;
}

function fromStorage(cluster: Cluster, feed: LabFeed, e: StorageEvent): void {
  const time = cluster.clock.now();
  if (e.type === 'fenced') feed.fenced({ time, term: e.term, current_term: e.currentTerm });
  if (e.type !== 'lock' || e.key !== StorageKeys.lock) return;
  feed.lock({ time, event: e.event, holder: nodeOfHolder(cluster, e.holder), term: e.term, expires: e.expires });
}

/** The event source of an in-process lab. */
export function clusterEvents(cluster: Cluster): LabEventSource {
  return {
    clock: cluster.clock,
    hello: () => ({
      timings: helloTimings(cluster.timings),
      fencing: cluster.backend.fences(),
      topology: cluster.network?.topology.name ?? null,
      timeline: cluster.timeline.events.slice(-HELLO_TIMELINE_EVENTS),
    }),
    status: () => labStatus(cluster),
    requests: () => Object.fromEntries(cluster.nodes.map((n) => [n.name, n.requests.snapshot()])),
    attach: (feed) => {
      const offTimeline = cluster.timeline.subscribe((e) => feed.timeline(e));
      const offStorage = cluster.backend.onEvent((e) => fromStorage(cluster, feed, e), ['lock', 'fenced']);
      // Each node's API counts its answers only while someone watches.
      for (const n of cluster.nodes) n.requests.on = true;
      return () => {
        offTimeline();
        offStorage();
        for (const n of cluster.nodes) n.requests.on = false;
      };
    },
  };
}
