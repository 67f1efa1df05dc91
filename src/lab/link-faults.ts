/**
 * Faults on the links of a lab with a topology: `fault link A B WORDS...` lays faults on the
 * link between two ends (both directions: a network link carries both ways), `fault zone Z
 * down` partitions every link touching a node of the zone, and `heal` lifts them all. Each is
 * on the lab's timeline. Every request is checked before anything changes.
 */
import { endpointNamed, parseLinkFaults, type Endpoint, type LinkFaults } from '../net/index.ts';
import type { Cluster } from './cluster.ts';
import { invalidInput } from './control-errors.ts';
import type { LabNetwork } from './lab-network.ts';

/** The one word `fault zone` takes after the zone. */
export const ZONE_DOWN = 'down';

function networkOf(cluster: Cluster): LabNetwork {
  if (!cluster.network) throw invalidInput('this lab has no topology, so no links to fault: start it with vaultlab up --topology ...');
  return cluster.network;
}

/** Runs a check whose errors (unknown end, bad word) become a 400 naming the problem. */
function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    throw invalidInput((e as Error).message);
  }
}

const nameOf = (end: Endpoint) => (typeof end === 'object' ? end.node : end);

/** Storage runs in the process: its wire has a latency to add to, and a partition, but no connection to reset or bytes to cap. */
function checkStorageFaults(faults: LinkFaults): void {
  if (faults.reset || faults.bandwidthBytesPerSec !== undefined)
    throw invalidInput(
      'a link to storage takes latency, jitter and partition: storage runs in the process, with no connection to reset or cap',
    );
}

/** The two ends of a link fault, as named: two different ends, at least one of them a node. */
function checkEnds(network: LabNetwork, a: unknown, b: unknown): [Endpoint, Endpoint] {
  if (typeof a !== 'string' || typeof b !== 'string') throw invalidInput('a link fault names two ends: a node, storage or client each');
  const ends = checked(() => [endpointNamed(network.placement, a), endpointNamed(network.placement, b)] as [Endpoint, Endpoint]);
  if (a === b) throw invalidInput(`a link joins two different ends, not ${JSON.stringify(a)} and itself`);
  if (typeof ends[0] !== 'object' && typeof ends[1] !== 'object')
    throw invalidInput(`there is no link between ${a} and ${b}: one end must be a node`);
  return ends;
}

/** Lays `words` (`latency=50ms`, `partition`, ...) on the link between `a` and `b`, replacing the faults there. */
export function faultLink(cluster: Cluster, a: unknown, b: unknown, words: unknown): void {
  const network = networkOf(cluster);
  const [from, to] = checkEnds(network, a, b);
  if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) throw invalidInput('words must be a list of link fault words');
  const faults = checked(() => parseLinkFaults(words));
  const storageEnd = from === 'storage' ? to : to === 'storage' ? from : undefined;
  if (storageEnd !== undefined) {
    checkStorageFaults(faults);
    const node = nameOf(storageEnd);
    network.setStorageFaults(node, faults);
    if (faults.partition || cluster.get(node).storage.partitioned) cluster.partitionFromStorage(node, faults.partition === true);
  } else {
    for (const link of network.linksBetween(from, to)) link.setFaults(faults);
  }
  const detail = `link ${nameOf(from)}–${nameOf(to)}: ${words.join(' ')}`;
  cluster.timeline.add({ time: cluster.clock.now(), node: nameOf(from), type: 'fault', detail });
}

/** Takes a zone off the network: every link touching one of its nodes partitioned, their storage links too. */
export function zoneDown(cluster: Cluster, zone: unknown, state: unknown): void {
  const network = networkOf(cluster);
  if (typeof zone !== 'string') throw invalidInput(`a zone name is required (one of ${network.topology.zones.join(', ')})`);
  if (state !== ZONE_DOWN) throw invalidInput(`fault zone takes ${JSON.stringify(ZONE_DOWN)} after the zone, not ${JSON.stringify(state)}`);
  const nodes = checked(() => cutZone(cluster, zone, true));
  const detail = `zone ${zone} down: ${nodes.join(', ') || 'no node'} cut off`;
  cluster.timeline.add({ time: cluster.clock.now(), node: 'lab', type: 'fault', detail });
}

/**
 * Cuts a zone's nodes off from clients, peers and storage, or joins them again (lifting the
 * partitions only: added latency stays). Its nodes, by name. In a lab without sockets a node's
 * peers are the shared echo board, which its blocked forwarder stops it from reading and writing.
 */
export function cutZone(cluster: Cluster, zone: string, down: boolean): string[] {
  const network = networkOf(cluster);
  const { nodes, links } = network.peerLinksOfZone(zone);
  for (const link of links) link.setFaults({ ...link.faults, partition: down });
  for (const name of nodes) {
    const node = cluster.get(name);
    network.setClientFaults(name, { ...network.clientFaults(name), partition: down });
    node.storage.partitioned = down;
    if (!node.cluster) node.forwarder.blocked = down;
  }
  return nodes;
}
