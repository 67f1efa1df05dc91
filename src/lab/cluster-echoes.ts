/**
 * What a node with a cluster port does with it as its state changes, and how it echoes: to the
 * active over the port while standby, and what its own port heard while active. A lab node and
 * an HA server in its own process wire their ports alike.
 */
import type { EchoBoard, EchoChannel, LeaderInfo } from '../ha/index.ts';
import type { ClusterClient, ClusterListener } from '../net/index.ts';
import type { VaultNode } from '../node/index.ts';

/**
 * The cluster port serves exactly while the node is active, with its term's certificate; only a
 * standby forwards, so leaving standby drops its connection, as Vault clears its forwarding
 * client: at once when the node is killed, else once the answers it waits for are in.
 */
export function followStateOnClusterPort(node: VaultNode, cluster: ClusterListener, client: ClusterClient): void {
  node.onEvent((e) => {
    if (e.type !== 'state') return;
    cluster.serve(node.clusterIdentity());
    if (e.from === 'standby') void (e.to === 'stopped' ? client.close() : client.retire());
  });
}

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
