/**
 * How the active knows its standbys, for `sys/ha-status`. In Vault each standby sends the
 * active an Echo over the cluster channel on a heartbeat, and the active lists the peers
 * it has heard from lately (entries expire after three heartbeats, 15 s). In the lab the
 * nodes share one process, so the channel is an in-memory board the composition root
 * hands to every node's leadership; a node partitioned from its peers neither sends nor
 * hears (src/lab decides that, this room only knows echoes).
 */

/** What a standby tells the active about itself. */
export interface Echo {
  hostname: string;
  apiAddr: string;
  /** Identifies the sender, as Vault keys its peer cache by cluster address. */
  clusterAddr: string;
  version: string;
  /** When the echo was sent (ms since epoch, on the sender's clock). */
  at: number;
}

/** A channel of echoes between the nodes of one cluster. */
export interface EchoChannel {
  /** A standby's heartbeat to whoever is active. */
  send(echo: Echo): void;
  /** The latest echo of every node heard so far. */
  heard(): Echo[];
}

/** The lab's echo channel: the latest echo per cluster address. */
export class EchoBoard implements EchoChannel {
  private readonly latest = new Map<string, Echo>();

  send(echo: Echo): void {
    this.latest.set(echo.clusterAddr, echo);
  }

  heard(): Echo[] {
    return [...this.latest.values()];
  }
}

/**
 * The peers an active lists: heard since it became active and within `maxAgeMs` of `now`
 * (a sealed or killed standby drops off), never itself.
 */
export function livePeers(echoes: Echo[], self: { clusterAddr: string }, activeSince: number, now: number, maxAgeMs: number): Echo[] {
  return echoes.filter((e) => e.clusterAddr !== self.clusterAddr && e.at >= activeSince && now - e.at <= maxAgeMs);
}
