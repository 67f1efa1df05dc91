/**
 * Where a lab's parts sit and how far apart they are: zones, the latency inside each zone and
 * between each pair, where clients sit (their latency to every zone), and the zone storage is in.
 *
 * Every figure in a topology is ONE-WAY, like a link's: the delay a byte takes in one direction.
 * A round trip (what ping shows, what cloud providers quote) is twice that. The presets read the
 * figures users quote for clouds as round trips: `three-zones` is 0.2 ms RTT inside a zone, 1 to
 * 2 ms RTT between zones and 20 ms RTT to clients, so its one-way figures are half those.
 */
import { NO_DELAY, type LinkSettings } from './link-settings.ts';

/** A lab's network layout. Latencies are one-way. */
export interface Topology {
  name: string;
  /** Zone names in placement order: node i sits in zones[i mod zones.length]. */
  zones: readonly string[];
  /** The link between two nodes of the same zone, per zone. */
  inside: Readonly<Record<string, LinkSettings>>;
  /** The link between two zones, keyed by `pairKey(a, b)`; every pair is present. */
  between: Readonly<Record<string, LinkSettings>>;
  /** The link from the clients to each zone. */
  clients: Readonly<Record<string, LinkSettings>>;
  /** The zone the storage backend sits in: a node reaches it over its zone's link to that zone. */
  storageZone: string;
}

/** Where each node of a lab sits. */
export interface Placement {
  topology: Topology;
  /** Node name → zone. */
  zoneOf: ReadonlyMap<string, string>;
}

/** One end of a link: a node (by name), the clients, or the storage backend. */
export type Endpoint = { node: string } | 'client' | 'storage';

/** The key of a pair of distinct zones in `between`: the two names sorted, joined by a space. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

const oneWay = (latencyMs: number): LinkSettings => ({ latencyMs, jitterMs: 0 });

/** Every zone pair at one latency, every zone to clients at another: the shape of the simple presets. */
function uniform(name: string, zones: string[], insideMs: number, betweenMs: Record<string, number>, clientMs: number): Topology {
  return {
    name,
    zones,
    inside: Object.fromEntries(zones.map((z) => [z, oneWay(insideMs)])),
    between: Object.fromEntries(Object.entries(betweenMs).map(([pair, ms]) => [pair, oneWay(ms)])),
    clients: Object.fromEntries(zones.map((z) => [z, oneWay(clientMs)])),
    storageZone: zones[0]!,
  };
}

/** The built-in topologies. */
export const TOPOLOGY_PRESETS: Readonly<Record<string, Topology>> = {
  /** Today's lab: everything on loopback, no delay. */
  local: uniform('local', ['z1'], 0, {}, 0),
  /** One zone: 0.1 ms RTT between any two parts, clients included. */
  'one-zone': uniform('one-zone', ['z1'], 0.05, {}, 0.05),
  /** Three zones: 0.2 ms RTT inside a zone; 1, 1.5 and 2 ms RTT between z1–z2, z2–z3, z1–z3; clients 20 ms RTT away. */
  'three-zones': uniform(
    'three-zones',
    ['z1', 'z2', 'z3'],
    0.1,
    { [pairKey('z1', 'z2')]: 0.5, [pairKey('z2', 'z3')]: 0.75, [pairKey('z1', 'z3')]: 1 },
    10,
  ),
};

/** A topology error: an unknown preset, zone or endpoint. */
export class TopologyError extends Error {
  readonly code = 'BAD_TOPOLOGY';
}

/** A preset by name, or a TopologyError listing the names there are. */
export function topologyPreset(name: string): Topology {
  const preset = TOPOLOGY_PRESETS[name];
  if (!preset) throw new TopologyError(`unknown topology "${name}": use ${Object.keys(TOPOLOGY_PRESETS).join(', ')} or a topology file`);
  return preset;
}

/** Puts the nodes in the zones round-robin: the i-th name in zone i mod the number of zones. */
export function placeNodes(topology: Topology, nodeNames: readonly string[]): Placement {
  return { topology, zoneOf: new Map(nodeNames.map((name, i) => [name, topology.zones[i % topology.zones.length]!])) };
}

/** The nodes placed in a zone (a zone fault acts on their links), or a TopologyError for a zone the topology lacks. */
export function nodesInZone(placement: Placement, zone: string): string[] {
  if (!placement.topology.zones.includes(zone))
    throw new TopologyError(`unknown zone "${zone}": the topology has ${placement.topology.zones.join(', ')}`);
  return [...placement.zoneOf].filter(([, z]) => z === zone).map(([name]) => name);
}

/** The zone link between two zones (the zone's own link when they are one). */
function zoneLink(topology: Topology, a: string, b: string): LinkSettings {
  return a === b ? topology.inside[a]! : topology.between[pairKey(a, b)]!;
}

function zoneOfEndpoint(placement: Placement, end: Endpoint): string {
  if (end === 'storage') return placement.topology.storageZone;
  if (end === 'client') throw new TopologyError('clients have no zone');
  const zone = placement.zoneOf.get(end.node);
  if (zone === undefined) throw new TopologyError(`unknown node "${end.node}": the lab has ${[...placement.zoneOf.keys()].join(', ')}`);
  return zone;
}

/**
 * The settings of the link between two endpoints: node↔node and node↔storage by their zones
 * (a node to itself is loopback: no delay), client↔node by the clients' link to the node's
 * zone, client↔storage by theirs to the storage's zone (the storage is no client's server in
 * a lab, but a drill may ask). Clients to clients is no link: a TopologyError.
 */
export function linkBetween(placement: Placement, a: Endpoint, b: Endpoint): LinkSettings {
  if (a === 'client' && b === 'client') throw new TopologyError('there is no link between clients');
  if (a === 'client' || b === 'client') return placement.topology.clients[zoneOfEndpoint(placement, a === 'client' ? b : a)]!;
  if (typeof a === 'object' && typeof b === 'object' && a.node === b.node) {
    zoneOfEndpoint(placement, a);
    return NO_DELAY;
  }
  return zoneLink(placement.topology, zoneOfEndpoint(placement, a), zoneOfEndpoint(placement, b));
}

/** An endpoint named as the CLI names it: `storage`, `client`, or a node's name. */
export function endpointNamed(placement: Placement, name: string): Endpoint {
  if (name === 'storage' || name === 'client') return name;
  if (!placement.zoneOf.has(name))
    throw new TopologyError(`unknown link end "${name}": use a node (${[...placement.zoneOf.keys()].join(', ')}), storage or client`);
  return { node: name };
}
