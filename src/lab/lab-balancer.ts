/**
 * A lab's load balancer (`up --lb`): the built-in one or HAProxy in front of the nodes, on the
 * port plan's balancer port. With a topology it sits in storage's zone: clients reach it over
 * their link to that zone, and it reaches each node over that zone's link to the node's, its
 * health checks included, so the topology's distances apply to both. Each server goes to the
 * node's own listener, never through the node's clients' link. A server marked up or down is
 * an event of the lab's timeline.
 */
import { readFileSync } from 'node:fs';
import type { Clock } from '../clock/index.ts';
import { DEFAULT_HEALTH_CODES } from '../node/index.ts';
import {
  BuiltinBalancer,
  DEFAULT_CHECK,
  describeCheck,
  HaproxyBalancer,
  healthPath,
  httpProbe,
  type Balancer,
  type BalancedServer,
  type BalancerCheck,
  type BalancerKind,
  type BalancerMode,
  type HealthChange,
  type Probe,
} from './balancer/index.ts';
import { PASSING_STATUS } from './balancer/check-settings.ts';
import { HealthRotation } from './balancer/health-rotation.ts';
import { freePort } from './balancer/free-port.ts';
import type { LabNetwork } from './lab-network.ts';
import type { LabNode } from './lab-node.ts';
import type { Timeline } from './timeline.ts';

/** How a lab's balancer is set up. */
export interface LabBalancerOptions {
  /** Built-in (the default) or HAProxy. */
  kind?: BalancerKind;
  /** Only the active takes traffic (the default), or standbys too. */
  mode?: BalancerMode;
  check?: Partial<BalancerCheck>;
  /** The port clients connect to (the port plan's); 0: a free one. */
  port?: number;
  /** The nodes advertise the balancer as their api_addr (`--api-addr lb`): a standby's 307 then points back at it. */
  advertise?: boolean;
  /** HAProxy's folder: its config and admin socket. */
  dir?: string;
  /** The lab CA the nodes' certificates chain to (a TLS lab): the checks speak TLS and verify against it. */
  caFile?: string;
}

/** A lab's running balancer. */
export interface LabBalancer {
  balancer: Balancer;
  /** In a lab without sockets, the balancer drill clients ask where their connection lands. */
  socketless?: HealthRotation;
  /** The address clients use (in a lab without sockets, one never dialled). */
  url: string;
  /** With HAProxy: the config it runs. */
  configFile?: string;
  /** Tells `fn` each time the built-in balancer puts a node in rotation or takes it out (HAProxy keeps its own count). */
  onChange(fn: (change: HealthChange) => void): () => void;
  close(): Promise<void>;
}

/** The address clients will reach the balancer at, its port taken now when the plan leaves it free (so nodes can advertise it). */
export async function balancerUrl(host: string, port: number, tls: boolean): Promise<string> {
  return `${tls ? 'https' : 'http'}://${host}:${port === 0 ? await freePort(host) : port}`;
}

/** What the balancer needs of the lab. */
export interface BalancerLab {
  nodes: readonly LabNode[];
  network: LabNetwork | undefined;
  clock: Clock;
  timeline: Timeline;
}

/** The address of a balancer in a lab without sockets: never dialled, but a Location can name it. */
export const SOCKETLESS_BALANCER_URL = 'http://balancer.invalid';

/**
 * Opens the balancer at `url` in front of the lab's nodes; in a lab without sockets, the
 * health rotation its drill clients ask (at SOCKETLESS_BALANCER_URL).
 */
export async function openLabBalancer(o: LabBalancerOptions, url: string, lab: BalancerLab, sockets: boolean): Promise<LabBalancer> {
  const check = { ...DEFAULT_CHECK, ...o.check };
  const mode = o.mode ?? 'active';
  const report = (server: string, detail: string) => lab.timeline.add({ time: lab.clock.now(), node: server, type: 'balancer', detail });
  const listeners = new Set<(c: HealthChange) => void>();
  const subscribe = (fn: (c: HealthChange) => void) => (listeners.add(fn), () => void listeners.delete(fn));
  const onChange = (c: HealthChange) => {
    report(c.server, `marked ${c.to.toUpperCase()} (${c.view.lastCheck})`);
    for (const fn of listeners) fn(c);
  };
  if (!sockets) {
    const servers = lab.nodes.map((n) => ({ name: n.name, host: 'detached', port: 0 }));
    const probe = inProcessProbe(lab, mode, check);
    const address = { host: new URL(url).hostname, port: 0 };
    const socketless = new HealthRotation({ mode, check, servers, probe, clock: lab.clock, address, onChange }).start();
    report('lab', `built-in balancer, ${mode}, ${describeCheck(check)}`);
    return { balancer: socketless, socketless, url, onChange: subscribe, close: () => socketless.close() };
  }
  const pub = new URL(url);
  const publicAddress = { host: pub.hostname, port: Number(pub.port) };
  const servers = await serversOf(lab);
  // With a topology, clients meet a link on the public port, the balancer listening behind it.
  const listen = lab.network ? { host: publicAddress.host, port: 0 } : publicAddress;
  let balancer: Balancer;
  let configFile: string | undefined;
  if (o.kind === 'haproxy') {
    const haproxy = await HaproxyBalancer.start({ mode, check, servers, listen, dir: o.dir ?? '.vaultlab/haproxy', caFile: o.caFile });
    configFile = haproxy.configFile;
    balancer = haproxy;
  } else {
    const ca = o.caFile ? readFileSync(o.caFile, 'utf8') : undefined;
    balancer = await BuiltinBalancer.open({
      mode,
      check,
      servers,
      listen,
      clock: lab.clock,
      probe: httpProbe({ path: healthPath(mode), timeoutMs: check.timeoutMs, ca }),
      onChange,
    });
  }
  try {
    if (lab.network) await lab.network.openBalancerClientLink(balancer.address, publicAddress);
  } catch (e) {
    await balancer.close();
    throw e;
  }
  report('lab', `${balancer.kind === 'haproxy' ? 'HAProxy' : 'built-in balancer'} at ${url}, ${mode}, ${describeCheck(check)}`);
  return { balancer, url, configFile, onChange: subscribe, close: () => balancer.close() };
}

/**
 * A check without sockets: what the node's sys/health would answer, asked in process. A dead
 * node refuses the connection; a paused one never answers, so the check times out.
 */
function inProcessProbe(lab: BalancerLab, mode: BalancerMode, check: BalancerCheck): Probe {
  const codes = { standbyOk: mode === 'standby-ok', ...DEFAULT_HEALTH_CODES };
  return async (server) => {
    const n = lab.nodes.find((x) => x.name === server.name)!;
    if (!n.up) return { ok: false, status: 'L4CON' };
    if (n.node.paused) {
      await lab.clock.sleep(check.timeoutMs);
      return { ok: false, status: 'L7TOUT' };
    }
    const code = n.node.health(codes).status;
    return code === PASSING_STATUS ? { ok: true, status: 'L7OK', code } : { ok: false, status: 'L7STS', code };
  };
}

/** Where the balancer dials each node: its own listener, through the balancer's link to it when the lab has a topology. */
async function serversOf(lab: BalancerLab): Promise<BalancedServer[]> {
  const servers: BalancedServer[] = [];
  for (const n of lab.nodes) {
    const listener = { host: n.api.host, port: n.api.port };
    const at = lab.network ? (await lab.network.openBalancerNodeLink(n.name, listener)).address : listener;
    servers.push({ name: n.name, host: at.host, port: at.port });
  }
  return servers;
}

/**
 * Whether the balancer's view matches the cluster: each node fully UP when its check passes
 * (the active; with standby-ok the standbys too) and fully DOWN otherwise, none on its way.
 * At start-up every node failed its first checks (uninitialized, then sealed), so the active
 * needs `rise` passes before this holds: drills and benches start their load once it does.
 */
export async function balancerAgrees(lb: LabBalancer, nodes: readonly LabNode[]): Promise<boolean> {
  const passes = (state: string) => state === 'active' || (lb.balancer.mode === 'standby-ok' && state === 'standby');
  const state = (name: string) => nodes.find((n) => n.name === name)?.node.state ?? 'stopped';
  return (await lb.balancer.servers()).every((s) => s.status === (passes(state(s.name)) ? 'UP' : 'DOWN'));
}
