/**
 * The built-in balancer for a lab without sockets (a virtual-time drill): the same health
 * count on the lab's clock and the same round-robin, but the drill's clients ask it which
 * node their next connection lands on (`pick`) instead of dialling a listener, and its
 * probe asks the node in process what sys/health would answer.
 */
import type { Clock } from '../../clock/index.ts';
import type { Balancer, BalancerServerView } from './balancer.ts';
import type { BalancerCheck, BalancerMode } from './check-settings.ts';
import { HealthPoller, type BalancedServer, type HealthChange, type Probe } from './health-poller.ts';
import { RoundRobin } from './round-robin.ts';

/** How to run it. */
export interface SocketlessBalancerOptions {
  mode: BalancerMode;
  check: BalancerCheck;
  servers: readonly BalancedServer[];
  probe: Probe;
  clock: Clock;
  onChange?: (change: HealthChange) => void;
}

/** A balancer that routes by answering `pick`. */
export class SocketlessBalancer implements Balancer {
  readonly kind = 'builtin';
  readonly address = { host: 'balancer.invalid', port: 0 };
  private readonly poller: HealthPoller;
  private readonly rotation: RoundRobin;
  private readonly total = new Map<string, number>();

  constructor(private readonly options: SocketlessBalancerOptions) {
    this.poller = new HealthPoller(options.servers, options.check, options.probe, options.clock, options.onChange);
    this.rotation = new RoundRobin(options.servers);
    for (const s of options.servers) this.total.set(s.name, 0);
    this.poller.start();
  }

  get mode(): BalancerMode {
    return this.options.mode;
  }

  get check(): BalancerCheck {
    return this.options.check;
  }

  /** The server a new connection lands on, or none when no server passes (the connection is closed). */
  pick(): string | undefined {
    const s = this.rotation.next((name) => this.poller.isUp(name));
    if (s) this.total.set(s.name, this.total.get(s.name)! + 1);
    return s?.name;
  }

  /** Whether a server takes traffic now (a connection held for a retry asks again). */
  isUp(name: string): boolean {
    return this.poller.isUp(name);
  }

  async servers(): Promise<BalancerServerView[]> {
    return this.options.servers.map((s) => ({
      name: s.name,
      ...this.poller.view(s.name),
      sessions: { total: this.total.get(s.name)!, current: 0 },
    }));
  }

  async close(): Promise<void> {
    this.poller.stop();
  }
}
