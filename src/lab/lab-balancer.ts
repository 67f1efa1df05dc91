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
} from './balancer/index.ts';
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
  /** The address clients use. */
  url: string;
  /** With HAProxy: the config it runs. */
  configFile?: string;
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

/** Opens the balancer at `url` in front of the lab's nodes. */
export async function openLabBalancer(o: LabBalancerOptions, url: string, lab: BalancerLab): Promise<LabBalancer> {
  const check = { ...DEFAULT_CHECK, ...o.check };
  const mode = o.mode ?? 'active';
  const pub = new URL(url);
  const publicAddress = { host: pub.hostname, port: Number(pub.port) };
  const servers = await serversOf(lab);
  // With a topology, clients meet a link on the public port, the balancer listening behind it.
  const listen = lab.network ? { host: publicAddress.host, port: 0 } : publicAddress;
  const report = (server: string, detail: string) => lab.timeline.add({ time: lab.clock.now(), node: server, type: 'balancer', detail });
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
      onChange: (c) => report(c.server, `balancer marks it ${c.to.toUpperCase()} (${c.view.lastCheck})`),
    });
  }
  try {
    if (lab.network) await lab.network.openBalancerClientLink(balancer.address, publicAddress);
  } catch (e) {
    await balancer.close();
    throw e;
  }
  report('lab', `${balancer.kind === 'haproxy' ? 'HAProxy' : 'built-in balancer'} at ${url}, ${mode}, ${describeCheck(check)}`);
  return { balancer, url, configFile, close: () => balancer.close() };
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
