/**
 * Topology files in HCL and JSON: the example in docs parses to what it says, and each bad
 * field is refused with a message naming its path; every problem of a file is reported.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTopology, placeNodes, linkBetween, readTopologyFile, TopologyFileError } from '../../src/net/index.ts';

const EXAMPLE = fileURLToPath(new URL('../../docs/topology-example.hcl', import.meta.url));

/** The problems a topology text is refused with. */
function problems(text: string): readonly string[] {
  try {
    parseTopology(text, 'test');
  } catch (e) {
    if (e instanceof TopologyFileError) return e.problems;
    throw e;
  }
  throw new Error('the topology was accepted');
}

const TWO_ZONES = {
  zones: { z1: { latency: '0.1ms' }, z2: { latency: '0.1ms' } },
  between: { z1: { z2: { latency: '1ms' } } },
  clients: { latency: '10ms' },
};
const json = (topology: object) => JSON.stringify({ topology });

describe('topology files', () => {
  it('docs/topology-example.hcl parses to the figures it gives', () => {
    const t = readTopologyFile(EXAMPLE);
    expect(t).toEqual({
      name: 'two-zones-example',
      zones: ['z1', 'z2'],
      inside: { z1: { latencyMs: 0.1, jitterMs: 0 }, z2: { latencyMs: 0.1, jitterMs: 0.05 } },
      between: { 'z1 z2': { latencyMs: 0.6, jitterMs: 0 } },
      clients: { z1: { latencyMs: 15, jitterMs: 2 }, z2: { latencyMs: 16, jitterMs: 2 } },
      storageZone: 'z1',
    });
    const p = placeNodes(t, ['node1', 'node2', 'node3']);
    expect(linkBetween(p, { node: 'node3' }, { node: 'node2' })).toEqual({ latencyMs: 0.6, jitterMs: 0 });
  });

  it('reads JSON alike, names the topology after the file unless it names itself, and places zones by name (z2 before z10)', () => {
    const t = parseTopology(
      json({
        zones: { z10: { latency: '1ms' }, z2: { latency: '2ms' } },
        between: { z10: { z2: { latency: '5ms', jitter: '1ms' } } },
        clients: { latency: '20ms' },
        storage: { zone: 'z10' },
      }),
      'fallback',
    );
    expect(t.name).toBe('fallback');
    expect(t.zones).toEqual(['z2', 'z10']);
    expect(t.between).toEqual({ 'z10 z2': { latencyMs: 5, jitterMs: 1 } });
    expect(t.storageZone).toBe('z10');
  });

  it('keeps every block of a kind in HCL: three zone pairs, two clients overrides', () => {
    const t = parseTopology(
      `topology {
        zones {
          a { latency = "1ms" }
          b { latency = "1ms" }
          c { latency = "1ms" }
        }
        between "a" "b" { latency = "2ms" }
        between "b" "c" { latency = "3ms" }
        between "a" "c" { latency = "4ms" }
        clients {
          latency = "9ms"
          to "a" { latency = "5ms" }
          to "c" { latency = "6ms" }
        }
      }`,
      't',
    );
    expect(t.between).toEqual({
      'a b': { latencyMs: 2, jitterMs: 0 },
      'b c': { latencyMs: 3, jitterMs: 0 },
      'a c': { latencyMs: 4, jitterMs: 0 },
    });
    expect(Object.values(t.clients).map((l) => l.latencyMs)).toEqual([5, 9, 6]);
  });

  it('needs no clients default when every zone has its own', () => {
    const t = parseTopology(json({ ...TWO_ZONES, clients: { to: { z1: { latency: '3ms' }, z2: { latency: '4ms' } } } }), 't');
    expect(t.clients).toEqual({ z1: { latencyMs: 3, jitterMs: 0 }, z2: { latencyMs: 4, jitterMs: 0 } });
  });

  it.each([
    [
      { ...TWO_ZONES, zones: { ...TWO_ZONES.zones, z2: { latency: 'soon' } } },
      'topology.zones.z2.latency: must be a duration like "1.5ms", not "soon"',
    ],
    [
      { ...TWO_ZONES, zones: { ...TWO_ZONES.zones, z2: { latency: '-1ms' } } },
      'topology.zones.z2.latency: must be a duration like "1.5ms", not "-1ms"',
    ],
    [
      { ...TWO_ZONES, zones: { ...TWO_ZONES.zones, z2: { latency: 5 } } },
      'topology.zones.z2.latency: must be a duration like "1.5ms", not 5',
    ],
    [{ ...TWO_ZONES, zones: { ...TWO_ZONES.zones, z2: {} } }, 'topology.zones.z2.latency: is missing (a duration like "1.5ms")'],
    [
      { ...TWO_ZONES, zones: { ...TWO_ZONES.zones, z2: { latency: '1ms', loss: '1%' } } },
      'topology.zones.z2.loss: unknown field (allowed: latency, jitter)',
    ],
    [
      { ...TWO_ZONES, zones: { ...TWO_ZONES.zones, 'z 3': { latency: '1ms' } } },
      "topology.zones.z 3: a zone's name is letters, digits, - and _",
    ],
    [{ ...TWO_ZONES, zones: {} }, 'topology.zones: name at least one zone'],
    [{ ...TWO_ZONES, zones: undefined }, 'topology.zones: is missing'],
    [
      { ...TWO_ZONES, between: { z1: { z2: { latency: '1ms' }, z3: { latency: '1ms' } } } },
      'topology.between.z1.z3: unknown zone (zones: z1, z2)',
    ],
    [
      { ...TWO_ZONES, between: { z1: { z1: { latency: '1ms' }, z2: { latency: '1ms' } } } },
      "topology.between.z1.z1: a zone's own latency goes in topology.zones.z1",
    ],
    [{ ...TWO_ZONES, between: {} }, 'topology.between: no latency between z1 and z2 (add between "z1" "z2" { latency = "…" })'],
    [
      { ...TWO_ZONES, between: { z1: { z2: { latency: '1ms' } }, z2: { z1: { latency: '2ms' } } } },
      'topology.between.z2.z1: z2 and z1 are given twice (either order names the same pair)',
    ],
    [{ ...TWO_ZONES, clients: undefined }, 'topology.clients: is missing'],
    [{ ...TWO_ZONES, clients: { jitter: '1ms' } }, 'topology.clients.latency: is missing (a duration like "1.5ms")'],
    [{ ...TWO_ZONES, clients: { latency: '1ms', to: { z9: { latency: '1ms' } } } }, 'topology.clients.to.z9: unknown zone (zones: z1, z2)'],
    [
      { ...TWO_ZONES, clients: { latency: '1ms', where: 'office' } },
      'topology.clients.where: unknown field (allowed: latency, jitter, to)',
    ],
    [{ ...TWO_ZONES, storage: { zone: 'z3' } }, 'topology.storage.zone: must name one of the zones (z1, z2), not "z3"'],
    [{ ...TWO_ZONES, name: '' }, 'topology.name: must be a non-empty string, not ""'],
    [{ ...TWO_ZONES, region: 'eu' }, 'topology.region: unknown field (allowed: name, zones, between, clients, storage)'],
  ])('%j is refused: %s', (topology, message) => expect(problems(json(topology))).toEqual([message]));

  it('reports every problem of a file at once', () =>
    expect(problems(json({ zones: { z1: { latency: 'x' } }, clients: { latency: 'y' }, storage: { zone: 'z2' } }))).toEqual([
      'topology.zones.z1.latency: must be a duration like "1.5ms", not "x"',
      'topology.clients.latency: must be a duration like "1.5ms", not "y"',
      'topology.storage.zone: must name one of the zones (z1), not "z2"',
    ]));

  it('refuses a file without a topology block, or with another block beside it', () => {
    expect(problems('zones { z1 { latency = "1ms" } }')).toEqual([
      '(file).zones: unknown field (allowed: topology)',
      'topology: is missing',
    ]);
  });

  it('refuses JSON that does not parse', () =>
    expect(problems('{"topology": {')).toEqual([expect.stringMatching(/^topology file: .*JSON/)]));

  it('refuses HCL that does not parse, with its line and column', () =>
    expect(problems('topology {\n  zones {\n')).toEqual([expect.stringMatching(/^topology file: line \d+, column \d+: /)]));
});
