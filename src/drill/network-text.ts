/**
 * A drill's network in words, for the report and the timeline: where each node sits, and
 * every link's one-way latency and jitter as the topology sets them (what the drill's
 * client requests and storage calls waited out).
 */
import { describeTopology, labNodeNames } from '../lab/index.ts';
import { pairKey, placeNodes, type LinkSettings, type Topology } from '../net/index.ts';

/** The zone of each node of an n-node drill on a topology, by name. */
export function zonesOf(topology: Topology, nodes: number): Map<string, string> {
  const names = labNodeNames(nodes);
  return new Map(placeNodes(topology, names).zoneOf);
}

const ms = (v: number) => `${Number(v.toFixed(3))} ms`;
const row = (link: string, s: LinkSettings) => `| ${link} | ${ms(s.latencyMs)} | ${ms(s.jitterMs)} |`;

/** The Markdown section of a drill's network: one line in words, the placement, and a table of its links. */
export function networkSection(topology: Topology, nodes: number): string[] {
  const zones = zonesOf(topology, nodes);
  const between = topology.zones.flatMap((a, i) =>
    topology.zones.slice(i + 1).map((b) => row(`${a} ↔ ${b}`, topology.between[pairKey(a, b)]!)),
  );
  return [
    `${describeTopology(topology)}.`,
    '',
    `Nodes: ${[...zones].map(([n, z]) => `${n} in ${z}`).join(', ')}. Every figure is one-way: a request and its answer pay it twice.`,
    '',
    '| link | latency | jitter |',
    '|---|---:|---:|',
    ...topology.zones.map((z) => row(`inside ${z}`, topology.inside[z]!)),
    ...between,
    ...topology.zones.map((z) => row(`clients → ${z}`, topology.clients[z]!)),
  ];
}
