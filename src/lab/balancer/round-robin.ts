/**
 * HAProxy's `balance roundrobin` with equal weights: each new connection goes to the next
 * server in the configured order that takes traffic now, after the one the last went to.
 */
import type { BalancedServer } from './health-poller.ts';

/** Picks servers in turn, skipping those that do not take traffic. */
export class RoundRobin {
  /** The index of the server the last connection went to. */
  private cursor = -1;

  constructor(private readonly servers: readonly BalancedServer[]) {}

  /** The next server that is up, if any is. */
  next(isUp: (name: string) => boolean): BalancedServer | undefined {
    const list = this.servers;
    for (let step = 1; step <= list.length; step++) {
      const i = (this.cursor + step) % list.length;
      if (isUp(list[i]!.name)) {
        this.cursor = i;
        return list[i];
      }
    }
    return undefined;
  }
}
