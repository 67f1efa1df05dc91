/**
 * Topologies: the presets' figures (one-way, half the round trips the issue quotes), nodes
 * placed round-robin over the zones, and the link between any two endpoints.
 */
import { describe, expect, it } from 'vitest';
import {
  endpointNamed,
  linkBetween,
  nodesInZone,
  placeNodes,
  TOPOLOGY_PRESETS,
  TopologyError,
  topologyPreset,
  type Endpoint,
} from '../../src/net/index.ts';

const names = (n: number) => Array.from({ length: n }, (_, i) => `node${i + 1}`);
const node = (name: string): Endpoint => ({ node: name });
const oneWay = (latencyMs: number) => ({ latencyMs, jitterMs: 0 });

describe('the presets', () => {
  it('are local, one-zone and three-zones', () => expect(Object.keys(TOPOLOGY_PRESETS)).toEqual(['local', 'one-zone', 'three-zones']));

  it('local has no delay anywhere (the lab as it was)', () => {
    const p = placeNodes(topologyPreset('local'), names(3));
    for (const [a, b] of [
      [node('node1'), node('node2')],
      ['client', node('node3')],
      [node('node2'), 'storage'],
    ] as Array<[Endpoint, Endpoint]>)
      expect(linkBetween(p, a, b)).toEqual(oneWay(0));
  });

  it('one-zone is 0.1 ms round trip between any two parts', () => {
    const p = placeNodes(topologyPreset('one-zone'), names(3));
    expect(linkBetween(p, node('node1'), node('node3'))).toEqual(oneWay(0.05));
    expect(linkBetween(p, 'client', node('node2'))).toEqual(oneWay(0.05));
    expect(linkBetween(p, node('node2'), 'storage')).toEqual(oneWay(0.05));
  });

  it('three-zones: 0.2 ms RTT inside a zone, 1 / 1.5 / 2 ms RTT between zones, clients 20 ms RTT away, storage in z1', () => {
    const p = placeNodes(topologyPreset('three-zones'), names(5));
    const rtt = (a: Endpoint, b: Endpoint) => 2 * linkBetween(p, a, b).latencyMs;
    expect(rtt(node('node1'), node('node4'))).toBe(0.2);
    expect(rtt(node('node1'), node('node2'))).toBe(1);
    expect(rtt(node('node2'), node('node3'))).toBe(1.5);
    expect(rtt(node('node3'), node('node1'))).toBe(2);
    expect(rtt('client', node('node3'))).toBe(20);
    expect(rtt(node('node5'), 'storage')).toBe(1);
    expect(rtt('storage', node('node4'))).toBe(0.2);
  });

  it('an unknown preset is refused with the names there are', () =>
    expect(() => topologyPreset('two-zones')).toThrow('unknown topology "two-zones": use local, one-zone, three-zones or a topology file'));
});

describe('placement', () => {
  it('puts node i in zone i mod zones (round-robin)', () => {
    const p = placeNodes(topologyPreset('three-zones'), names(5));
    expect([...p.zoneOf]).toEqual([
      ['node1', 'z1'],
      ['node2', 'z2'],
      ['node3', 'z3'],
      ['node4', 'z1'],
      ['node5', 'z2'],
    ]);
    expect(nodesInZone(p, 'z2')).toEqual(['node2', 'node5']);
    expect(nodesInZone(p, 'z3')).toEqual(['node3']);
  });

  it('puts every node in the one zone of a one-zone topology', () =>
    expect(new Set(placeNodes(topologyPreset('one-zone'), names(4)).zoneOf.values())).toEqual(new Set(['z1'])));

  it('a node to itself is loopback: no delay', () =>
    expect(linkBetween(placeNodes(topologyPreset('three-zones'), names(3)), node('node2'), node('node2'))).toEqual(oneWay(0)));
});

describe('naming endpoints', () => {
  const p = placeNodes(topologyPreset('three-zones'), names(3));

  it('reads node names, storage and client', () => {
    expect(endpointNamed(p, 'node2')).toEqual({ node: 'node2' });
    expect(endpointNamed(p, 'storage')).toBe('storage');
    expect(endpointNamed(p, 'client')).toBe('client');
  });

  it.each([
    [() => endpointNamed(p, 'node9'), 'unknown link end "node9": use a node (node1, node2, node3), storage or client'],
    [() => nodesInZone(p, 'z4'), 'unknown zone "z4": the topology has z1, z2, z3'],
    [() => linkBetween(p, node('node7'), 'storage'), 'unknown node "node7": the lab has node1, node2, node3'],
    [() => linkBetween(p, 'client', 'client'), 'there is no link between clients'],
  ])('refuses what is not there: %s', (call, message) => {
    expect(call).toThrow(TopologyError);
    expect(call).toThrow(message);
  });
});
