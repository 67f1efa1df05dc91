/**
 * A dashboard on a cluster the lab did not start itself: a drill's, played in real time with
 * `vaultlab drill NAME --real-time --watch`. It is the same control plane (its page, its event
 * stream, its verbs, with a fresh secret held only in memory and in the printed address), so
 * whoever watches a drill can also break it further.
 */
import { randomBytes } from 'node:crypto';
import type { Cluster } from './cluster.ts';
import { dashboardUrl } from './control-auth.ts';
import { startControlServer } from './control-server.ts';
import { LabFaults } from './lab-faults.ts';

/** A dashboard serving one cluster. */
export interface WatchServer {
  /** The page's address, with the secret in its fragment. */
  url: string;
  /** How many pages follow the event stream now. */
  watchers(): number;
  close(): Promise<void>;
}

/** Serves the dashboard for `cluster` on 127.0.0.1:`port` (0: any free port). */
export async function watchCluster(cluster: Cluster, port = 0): Promise<WatchServer> {
  const secret = randomBytes(32).toString('base64url');
  const controls = { cluster, faults: new LabFaults(cluster), unsealAll: async () => [], down: async () => undefined };
  const server = await startControlServer(controls, { port, secret });
  return { url: dashboardUrl(server.url, secret), watchers: server.watchers, close: server.close };
}
