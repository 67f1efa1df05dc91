/**
 * The built-in balancer's decision, without its sockets: HAProxy's health count for each
 * server on the lab's clock, round-robin over those that pass, and how many connections each
 * was given. The TCP balancer (builtin-balancer.ts) asks it where each accepted connection
 * goes; in a lab without sockets (a virtual-time drill) it is the balancer itself, and the
 * drill's clients ask it (`pick`) where their next connection lands, its probe asking the node
 * in process what sys/health would answer.
 */
import type { Clock } from '../../clock/index.ts';
import type { Balancer, BalancerServerView } from './balancer.ts';
import type { BalancerCheck, BalancerMode } from './check-settings.ts';
import { HealthPoller, type BalancedServer, type HealthChange, type Probe } from './health-poller.ts';
import { RoundRobin } from './round-robin.ts';

/** How to run it. */
export interface HealthRotationOptions {
  mode: BalancerMode;
  check: BalancerCheck;
  servers: readonly BalancedServer[];
  probe: Probe;
  clock: Clock;
  /** Where clients reach it; a lab without sockets names one never dialled. */
  address: { host: string; port: number };
  onChange?: (change: HealthChange) => void;
}

/** Health checks and round-robin: the balancer of a lab without sockets, and the built-in one's brain. */
export class HealthRotation implements Balancer {
  readonly kind = 'builtin';
  private readonly poller: HealthPoller;
  private readonly rotation: RoundRobin;
  private readonly total = new Map<string, number>();

  constructor(private readonly options: HealthRotationOptions) {
    this.poller = new HealthPoller(options.servers, options.check, options.probe, options.clock, options.onChange);
    this.rotation = new RoundRobin(options.servers);
    for (const s of options.servers) this.total.set(s.name, 0);
  }

  /** Starts checking (each server taken as up until its first check fails, as HAProxy does). */
  start(): this {
    this.poller.start();
    return this;
  }

  get mode(): BalancerMode {
    return this.options.mode;
  }

  get check(): BalancerCheck {
    return this.options.check;
  }

  get address(): { host: string; port: number } {
    return this.options.address;
  }

  /** The server a new connection goes to, counted as one of its sessions; none when no server passes (the connection is closed). */
  pick(): BalancedServer | undefined {
    const s = this.rotation.next((name) => this.poller.isUp(name));
    if (s) this.total.set(s.name, this.total.get(s.name)! + 1);
    return s;
  }

  /** Each server as HAProxy's stats show it; `open` counts a server's connections open now (none without sockets). */
  async servers(open: (name: string) => number = () => 0): Promise<BalancerServerView[]> {
    return this.options.servers.map((s) => ({
      name: s.name,
      ...this.poller.view(s.name),
      sessions: { total: this.total.get(s.name)!, current: open(s.name) },
    }));
  }

  async close(): Promise<void> {
    this.poller.stop();
  }
}
