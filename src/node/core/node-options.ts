/** How a node is built: its storage, addresses, clock and crypto engine. */
import type { Clock } from '../../clock/index.ts';
import type { Backend } from '../../storage/index.ts';

/** The certificate (PEM) and private key (PKCS#8 PEM) of one term's cluster port: both ends of its mutual TLS. */
export interface ClusterIdentity {
  cert: string;
  key: string;
}

/** Everything a node needs from the composition root (src/lab or `vaultlab server`). */
export interface NodeOptions {
  /** Short name used in the timeline and banners (node1, node2, ...). */
  name: string;
  /** The shared storage. */
  backend: Backend;
  /** Reported as storage_type in seal-status (inmem, level, ...). */
  storageType: string;
  /** This node's API address, e.g. http://127.0.0.1:8200 (where 307s point). */
  apiAddr: string;
  /** Where standbys forward requests to this node when it is active. */
  clusterAddr: string;
  /** Time source; RealClock unless a test or drill injects a SimClock. */
  clock?: Clock;
  /** The host name sys/ha-status reports (default: the machine's; the lab gives each node its name, as if on its own host). */
  hostname?: string;
  /** False: the active does not cache reads in its barrier (default true; see Barrier.cacheReads). */
  readCache?: boolean;
  /**
   * Makes the certificate and key an active serves its cluster port with for one term (a
   * self-signed one, as Vault's); none when the node has no cluster port (virtual-time drills).
   */
  makeClusterIdentity?: (term: number) => Promise<ClusterIdentity>;
  /** The barrier's AES-GCM engine: node:crypto (default, faster) or @noble/ciphers. */
  aead?: 'node' | 'noble';
}
