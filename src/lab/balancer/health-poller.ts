/**
 * The built-in balancer's health checks: each server checked every `inter` on the lab's
 * Clock, one check at a time per server (a slow check delays the next, as in HAProxy), the
 * first checks spread over one interval so the servers are not all asked at once. The probe
 * is injected: over a socket in real time, through the drill's transport in virtual time.
 */
import type { Clock, TimerHandle } from '../../clock/index.ts';
import type { BalancerCheck } from './check-settings.ts';
import { ServerHealth, type CheckResult, type HealthView } from './server-health.ts';

/** A server behind the balancer: a node's name and where the balancer dials it. */
export interface BalancedServer {
  name: string;
  host: string;
  port: number;
}

/** One health check of one server. */
export type Probe = (server: BalancedServer) => Promise<CheckResult>;

/** A server going in or out of rotation. */
export interface HealthChange {
  server: string;
  to: 'up' | 'down';
  view: HealthView;
}

/** Checks every server on its own schedule and keeps HAProxy's count for each. */
export class HealthPoller {
  private readonly health = new Map<string, ServerHealth>();
  private readonly timers = new Map<string, TimerHandle>();
  private running = false;

  constructor(
    readonly servers: readonly BalancedServer[],
    private readonly check: BalancerCheck,
    private readonly probe: Probe,
    private readonly clock: Clock,
    private readonly onChange: (change: HealthChange) => void = () => {},
  ) {
    for (const s of servers) this.health.set(s.name, new ServerHealth(check));
  }

  start(): void {
    this.running = true;
    this.servers.forEach((s, i) => this.schedule(s, (this.check.interMs * i) / this.servers.length));
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
  }

  /** Whether the server takes traffic now. */
  isUp(name: string): boolean {
    return this.health.get(name)?.up ?? false;
  }

  /** Each server's place in the count. */
  view(name: string): HealthView {
    return this.health.get(name)!.view();
  }

  private schedule(server: BalancedServer, delayMs: number): void {
    this.timers.set(
      server.name,
      this.clock.setTimeout(() => void this.run(server), delayMs),
    );
  }

  private async run(server: BalancedServer): Promise<void> {
    const started = this.clock.now();
    const result = await this.probe(server).catch((): CheckResult => ({ ok: false, status: 'L4CON' }));
    if (!this.running) return;
    const health = this.health.get(server.name)!;
    const to = health.record(result);
    if (to) this.onChange({ server: server.name, to, view: health.view() });
    this.schedule(server, Math.max(0, this.check.interMs - (this.clock.now() - started)));
  }
}
