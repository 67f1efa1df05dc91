/**
 * A node's supply of cluster certificates, made ahead of need. An active serves each term
 * with a certificate and key of its own, made for that term only; making one (a P-521 key
 * and a signature) takes about 8 ms, which would otherwise sit inside every failover, between
 * taking the lock and serving. So the node keeps a few ready and makes the next ones in the
 * background as it uses them. None is ever used twice.
 */
import type { ClusterIdentity } from '../node/index.ts';
import { selfSigned } from './x509.ts';

/** How many certificates a node keeps ready: enough for activations in quick succession (step-down, then back). */
export const SPARE_IDENTITIES = 3;

/** Certificates ready for a node's next terms. */
export class ClusterIdentities {
  private readonly spares: Array<Promise<ClusterIdentity>> = [];

  /** `names`: the host names and addresses the certificates carry. */
  constructor(
    private readonly nodeName: string,
    private readonly names: string[],
  ) {
    while (this.spares.length < SPARE_IDENTITIES) this.spares.push(this.make());
  }

  /** Resolves once every spare is made (a lab waits for this before it serves, so even its first failover finds one). */
  async ready(): Promise<void> {
    await Promise.all(this.spares);
  }

  /** A certificate and key never used before, for the term about to start; the supply makes a new one in its place. */
  take(): Promise<ClusterIdentity> {
    this.spares.push(this.make());
    return this.spares.shift()!;
  }

  private make(): Promise<ClusterIdentity> {
    const made = selfSigned({ commonName: `${this.nodeName} cluster`, curve: 'P-521', altNames: this.names });
    // A failure surfaces where the certificate is taken (the activation retries); not as an unhandled rejection meanwhile.
    made.catch(() => undefined);
    return made;
  }
}
