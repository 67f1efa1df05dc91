/**
 * A lab on its network: with a topology, every connection of the lab goes through a link of
 * that topology. Clients reach a node through a TCP link on the node's public API port (the
 * address users, the banner and the node's api_addr name, so a 307 points at it too), with the
 * node's own listener behind it on a free port. A standby reaches each other node's cluster
 * port through its own TCP link, one per ordered pair, so forwarding and echoes pay the zones'
 * latency. Storage is in the process: each node's storage calls wait out its link's delay.
 * A lab without a topology has no LabNetwork at all: no proxy, no cost.
 *
 * A lab without sockets (a virtual-time drill) has the same network with no TCP links: its
 * storage wires wait on the lab's clock, and a drill client crosses its node's client link by
 * waiting one draw of the same model each way (clientCrossing), so one topology delays both.
 */
import { RealClock, type Clock } from '../clock/index.ts';
import {
  effectiveLink,
  linkBetween,
  nodesInZone,
  placeNodes,
  PreciseClock,
  TcpLink,
  travelTime,
  type Endpoint,
  type LinkFaults,
  type LinkSettings,
  type Placement,
  type RandomSource,
  type Topology,
} from '../net/index.ts';
import type { StorageWire } from '../storage/index.ts';

/** Where a socket is: a host and a port. */
export interface SocketAddress {
  host: string;
  port: number;
}

/** `url` with its port replaced: the same scheme and host, another port (a link's in front of a listener). */
export function withPort(url: string, port: number): string {
  const u = new URL(url);
  u.port = String(port);
  return u.origin;
}

/** The links of one lab with a topology. */
export class LabNetwork {
  readonly placement: Placement;
  private readonly clientLinks = new Map<string, TcpLink>();
  /** Keyed by `pairKey(from, to)`, node names. */
  private readonly peerLinks = new Map<string, TcpLink>();
  /** The same links keyed by `pairKey(from, the target's host:port)`: what a standby dials. */
  private readonly routes = new Map<string, TcpLink>();
  /** The balancer's links: the clients' to it, and its own to each node. */
  private readonly balancerLinks: TcpLink[] = [];
  /** The faults on the clients' link to each node of a lab without sockets, where no TCP link holds them. */
  private readonly socketlessClientFaults = new Map<string, LinkFaults>();
  /** The faults laid on each node's wire to storage (its latency ones; a partition cuts the node's storage link). */
  private readonly storageFaults = new Map<string, LinkFaults>();
  /** What the links' delays are timed on: on the wall clock, one finer than Node's 1 ms timers (precise-clock.ts). */
  private readonly clock: Clock;

  constructor(
    topology: Topology,
    nodeNames: readonly string[],
    labClock: Clock,
    private readonly random: RandomSource = Math.random,
  ) {
    this.placement = placeNodes(topology, nodeNames);
    this.clock = labClock instanceof RealClock ? new PreciseClock() : labClock;
  }

  get topology(): Topology {
    return this.placement.topology;
  }

  /** The zone a node sits in. */
  zoneOf(name: string): string {
    return this.placement.zoneOf.get(name)!;
  }

  /** Every link of the lab, client links first. */
  links(): TcpLink[] {
    return [...this.clientLinks.values(), ...this.peerLinks.values(), ...this.balancerLinks];
  }

  /** The clients' link to the balancer, which sits in storage's zone: listening at `listen` (port 0: a free one). */
  async openBalancerClientLink(balancer: SocketAddress, listen: SocketAddress): Promise<TcpLink> {
    return this.keepBalancerLink(await this.open(balancer, listen.host, 'client', 'storage', listen.port));
  }

  /** The balancer's link to a node's own listener: from storage's zone to the node's. */
  async openBalancerNodeLink(node: string, listener: SocketAddress): Promise<TcpLink> {
    return this.keepBalancerLink(await this.open(listener, listener.host, 'storage', { node }));
  }

  private keepBalancerLink(link: TcpLink): TcpLink {
    this.balancerLinks.push(link);
    return link;
  }

  /** The link clients reach `name` through, once opened. */
  clientLink(name: string): TcpLink | undefined {
    return this.clientLinks.get(name);
  }

  /** Opens the clients' link to a node: listening at `publicAddress` (port 0: a free one), forwarding to the node's listener. */
  async openClientLink(name: string, listener: SocketAddress, publicAddress: SocketAddress): Promise<TcpLink> {
    const link = await this.open(listener, publicAddress.host, 'client', { node: name }, publicAddress.port);
    this.clientLinks.set(name, link);
    return link;
  }

  /** One link from every node to every other node's cluster port. */
  async connectPeers(nodes: readonly { name: string; clusterAddr: string }[]): Promise<void> {
    for (const from of nodes) {
      for (const to of nodes) {
        if (from === to) continue;
        const target = new URL(to.clusterAddr);
        const link = await this.open(
          { host: target.hostname, port: Number(target.port) },
          target.hostname,
          { node: from.name },
          { node: to.name },
        );
        this.peerLinks.set(pairKey(from.name, to.name), link);
        this.routes.set(pairKey(from.name, target.host), link);
      }
    }
  }

  /** The address `from` dials for a cluster address: its link to that node, or the address itself when it is no lab node's. */
  route(from: string, clusterAddr: string): string {
    const link = this.routes.get(pairKey(from, new URL(clusterAddr).host));
    return link ? withPort(clusterAddr, link.address.port) : clusterAddr;
  }

  /** A node's wire to storage: its zone's link to the storage's zone, each crossing drawn anew. */
  storageWire(name: string): StorageWire {
    const settings = linkBetween(this.placement, { node: name }, 'storage');
    return { oneWayMs: () => travelTime(effectiveLink(settings, this.storageFaults.get(name)), this.random), clock: this.clock };
  }

  /**
   * The TCP links between two ends, both directions of a pair of nodes (a network link carries
   * both ways); none for a node and storage (in the process: see setStorageFaults).
   */
  linksBetween(a: Endpoint, b: Endpoint): TcpLink[] {
    if (a === 'client' || b === 'client') {
      const node = a === 'client' ? b : a;
      return typeof node === 'object' ? [this.clientLinks.get(node.node)!] : [];
    }
    if (typeof a !== 'object' || typeof b !== 'object') return [];
    return [this.peerLinks.get(pairKey(a.node, b.node)), this.peerLinks.get(pairKey(b.node, a.node))].filter((l) => l !== undefined);
  }

  /** The faults on the clients' link to a node. */
  clientFaults(name: string): LinkFaults {
    return this.clientLinks.get(name)?.faults ?? this.socketlessClientFaults.get(name) ?? {};
  }

  /** Lays faults on the clients' link to a node (replacing any there): on its TCP link, or where a lab without sockets keeps them. */
  setClientFaults(name: string, faults: LinkFaults): void {
    const link = this.clientLinks.get(name);
    if (link) link.setFaults(faults);
    else this.socketlessClientFaults.set(name, faults);
  }

  /**
   * One crossing of the clients' link to a node in a lab without sockets: a fresh draw of its
   * one-way delay (ms), or undefined while the link is partitioned (the bytes never arrive).
   */
  clientCrossing(name: string): number | undefined {
    const link = effectiveLink(this.settings('client', { node: name }), this.clientFaults(name));
    return link.partition ? undefined : travelTime(link, this.random);
  }

  /** Lays latency and jitter faults on a node's wire to storage (replacing any there). */
  setStorageFaults(node: string, faults: LinkFaults): void {
    this.storageFaults.set(node, faults);
  }

  /** The nodes of a zone and the links between them and every other node (their clients' links are clientFaults'). */
  peerLinksOfZone(zone: string): { nodes: string[]; links: TcpLink[] } {
    const nodes = nodesInZone(this.placement, zone);
    const links = new Set<TcpLink>();
    for (const node of nodes) {
      for (const other of this.placement.zoneOf.keys())
        if (other !== node) this.linksBetween({ node }, { node: other }).forEach((l) => links.add(l));
    }
    return { nodes, links: [...links] };
  }

  /** Whether a fault lies on any link of this node: its clients' link, a link to or from a peer, or its wire to storage. */
  hasLinkFaults(name: string): boolean {
    const faulted = (f: LinkFaults | undefined) => f !== undefined && Object.keys(f).length > 0;
    if (faulted(this.storageFaults.get(name)) || faulted(this.clientFaults(name))) return true;
    return [...this.placement.zoneOf.keys()].some((other) =>
      this.linksBetween({ node: name }, { node: other }).some((l) => faulted(l.faults)),
    );
  }

  /** Lifts every fault from every link. */
  heal(): void {
    for (const link of this.links()) link.setFaults({});
    this.socketlessClientFaults.clear();
    this.storageFaults.clear();
  }

  /** The settings of the link between two ends. */
  settings(a: Endpoint, b: Endpoint): LinkSettings {
    return linkBetween(this.placement, a, b);
  }

  async close(): Promise<void> {
    await Promise.all(this.links().map((l) => l.close()));
  }

  private open(target: SocketAddress, host: string, a: Endpoint, b: Endpoint, port = 0): Promise<TcpLink> {
    return TcpLink.open({
      target,
      listen: { host, port },
      settings: linkBetween(this.placement, a, b),
      clock: this.clock,
      random: this.random,
    });
  }
}

function pairKey(from: string, to: string): string {
  return `${from} ${to}`;
}
