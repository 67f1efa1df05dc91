/**
 * The lab's own balancer: a TCP listener that hands each new connection to the next server
 * in round-robin order whose health check passes and pipes the bytes both ways, untouched
 * (TLS included). It keeps HAProxy's behaviour (balancer.ts) so a lesson learned on it holds
 * on HAProxy: one behaviour suite runs against both. That includes HAProxy's connection
 * retries: a refused connection is tried again on the same server up to 3 times, 1 s apart,
 * which is why a client of a killed active may wait seconds before its connection is closed.
 * Nothing to install.
 */
import { once } from 'node:events';
import net, { type Socket } from 'node:net';
import type { Clock } from '../../clock/index.ts';
import type { Balancer, BalancerServerView } from './balancer.ts';
import { CONNECT_RETRIES, RETRY_TURNAROUND_MS, type BalancerCheck, type BalancerMode } from './check-settings.ts';
import type { BalancedServer, HealthChange, Probe } from './health-poller.ts';
import { HealthRotation } from './health-rotation.ts';

/** How to run the built-in balancer. */
export interface BuiltinBalancerOptions {
  mode: BalancerMode;
  check: BalancerCheck;
  servers: readonly BalancedServer[];
  probe: Probe;
  clock: Clock;
  /** Where to listen (loopback; port 0: a free one). */
  listen: { host: string; port: number };
  /** Told when a server goes in or out of rotation (the lab's timeline). */
  onChange?: (change: HealthChange) => void;
}

interface Pair {
  client: Socket;
  /** The connection to the server, once dialled. */
  server: Socket | undefined;
  /** Whether the server accepted it (a connection still being retried is not shut when the server is marked down). */
  established: boolean;
}

/** The built-in layer-4 balancer. Make one with `BuiltinBalancer.open`. */
export class BuiltinBalancer implements Balancer {
  readonly kind = 'builtin';
  private readonly open = new Map<string, Set<Pair>>();
  private readonly rotation: HealthRotation;

  private constructor(
    private readonly server: net.Server,
    private readonly options: BuiltinBalancerOptions,
    readonly address: { host: string; port: number },
  ) {
    for (const s of options.servers) this.open.set(s.name, new Set());
    this.rotation = new HealthRotation({
      ...options,
      address,
      onChange: (change) => {
        if (change.to === 'down') this.shutSessions(change.server);
        options.onChange?.(change);
      },
    });
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Listens, then starts checking the servers (each taken as up until its first check fails, as HAProxy does). */
  static async open(options: BuiltinBalancerOptions): Promise<BuiltinBalancer> {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true });
    server.listen(options.listen.port, options.listen.host);
    await once(server, 'listening');
    const bound = server.address() as net.AddressInfo;
    const balancer = new BuiltinBalancer(server, options, { host: bound.address, port: bound.port });
    balancer.rotation.start();
    return balancer;
  }

  get mode(): BalancerMode {
    return this.options.mode;
  }

  get check(): BalancerCheck {
    return this.options.check;
  }

  servers(): Promise<BalancerServerView[]> {
    return this.rotation.servers((name) => this.open.get(name)!.size);
  }

  async close(): Promise<void> {
    await this.rotation.close();
    const closed = once(this.server, 'close');
    this.server.close();
    for (const name of this.open.keys()) this.shutSessions(name, true);
    await closed;
  }

  private accept(client: Socket): void {
    const target = this.rotation.pick();
    // No server passes: the connection is closed at once, as HAProxy does in TCP mode.
    if (!target) return void client.destroy();
    client.pause();
    const sessions = this.open.get(target.name)!;
    const pair: Pair = { client, server: undefined, established: false };
    sessions.add(pair);
    const end = () => {
      sessions.delete(pair);
      client.destroy();
      pair.server?.destroy();
    };
    client.on('error', end).on('close', end);
    this.dial(target, pair, CONNECT_RETRIES, end);
  }

  /** Connects to the server, retrying a refused connection as HAProxy does (same server, after the turn-around), then pipes. */
  private dial(target: BalancedServer, pair: Pair, retriesLeft: number, end: () => void): void {
    if (pair.client.destroyed) return;
    const server = net.connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
    pair.server = server;
    const refused = () => {
      if (retriesLeft === 0) return end();
      this.options.clock.setTimeout(() => this.dial(target, pair, retriesLeft - 1, end), RETRY_TURNAROUND_MS);
    };
    server.once('error', refused);
    server.once('connect', () => {
      server.off('error', refused);
      pair.established = true;
      server.on('error', end).on('close', end);
      pair.client.pipe(server);
      server.pipe(pair.client);
      pair.client.resume();
    });
  }

  /** Closes every established connection to a server (it was marked down); HAProxy lets one still being retried run its retries. */
  private shutSessions(name: string, all = false): void {
    const sessions = this.open.get(name)!;
    for (const pair of [...sessions]) {
      if (!pair.established && !all) continue;
      sessions.delete(pair);
      pair.client.destroy();
      pair.server?.destroy();
    }
  }
}
