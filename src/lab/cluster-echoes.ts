/** How a node with a cluster port echoes: to the active over the port while standby, and what its own port heard while active. */
import type { EchoBoard, EchoChannel, LeaderInfo } from '../ha/index.ts';
import type { ClusterClient } from '../net/index.ts';

/** A standby's echoes go to the active over the cluster port; the active lists what its own port heard (nothing while cut off). */
export function clusterEchoes(client: ClusterClient, heardHere: EchoBoard, leader: () => LeaderInfo | undefined): EchoChannel {
  return {
    send: (echo) => {
      const l = leader();
      if (l) client.echo(l, echo);
    },
    heard: () => (client.blocked ? [] : heardHere.heard()),
  };
}
