/**
 * Drills on a topology: in virtual time every client request crosses its node's client link
 * both ways and every storage call its node's wire to storage, on the drill's clock; a zone
 * can go dark; the report and the timeline show the network; and a virtual-time drill and a
 * real-time run of one topology agree on who becomes active.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DrillResult } from '../../src/drill/drill-runner.ts';
import { runDrill } from '../../src/drill/drill-runner.ts';
import type { DrillSpec } from '../../src/drill/drill-spec.ts';
import { runScenario, ScenarioTopologyError } from '../../src/drill/drills.ts';
import { operations } from '../../src/drill/history.ts';
import { checkScenario } from '../../src/drill/scenario-check.ts';
import { pairKey, TOPOLOGY_PRESETS, type Topology } from '../../src/net/index.ts';

/** Two zones, storage in z1: `betweenMs` one-way between them, clients `clientMs` one-way from both. */
function twoZones(betweenMs: number, clientMs: number, jitterMs = 0): Topology {
  const link = (latencyMs: number) => ({ latencyMs, jitterMs });
  return {
    name: 'test-two-zones',
    zones: ['z1', 'z2'],
    inside: { z1: link(0), z2: link(0) },
    between: { [pairKey('z1', 'z2')]: link(betweenMs) },
    clients: { z1: link(clientMs), z2: link(clientMs) },
    storageZone: 'z1',
  };
}

const base: DrillSpec = { seed: 5, nodes: 2, clients: 2, keys: 2, durationMs: 3000, faults: [], fencing: true };

/** Virtual ms each acknowledged request took, with the node it went to. */
const latencies = (r: DrillResult) =>
  operations(r.history.events)
    .filter((o) => o.done?.kind === 'ok')
    .map((o) => ({ node: o.invoke.node, type: o.invoke.type, ms: o.done!.t - o.invoke.t }));

/** The node that took the lock first after the first fault of the drill. */
function takerAfterFault(r: DrillResult): string | undefined {
  const ev = r.history.events;
  const fault = ev.findIndex((e) => e.kind === 'fault' && e.on);
  const next = ev.slice(fault).find((e) => e.kind === 'lock' && e.event === 'acquired');
  return next?.kind === 'lock' ? next.node : undefined;
}

describe('virtual-time drills on a topology', () => {
  it('every request pays the clients’ link both ways: 2 × 10 ms one-way, where without a topology it takes no virtual time', async () => {
    const linked = latencies(await runDrill({ ...base, topology: twoZones(0, 10) }));
    const bare = latencies(await runDrill(base));
    expect(linked.length).toBeGreaterThan(20);
    expect(Math.min(...linked.map((o) => o.ms))).toBeGreaterThanOrEqual(20);
    expect(Math.max(...bare.map((o) => o.ms))).toBe(0);
  });

  it('storage calls pay the wire of the active’s zone: a node in z2, 30 ms one-way from storage, writes far slower than one in z1', async () => {
    const r = await runDrill({
      ...base,
      durationMs: 5000,
      faults: [{ at: 1500, kind: 'kill', target: 'node1', durationMs: 5000 }],
      topology: twoZones(30, 0),
    });
    // Writes only: a read can come from the active's cache without a storage call.
    const byNode = (n: string) => latencies(r).filter((o) => o.node === n && o.type === 'put');
    // node1 sits with storage (no delay); node2 takes over and every storage call crosses 30 ms each way.
    expect(byNode('node1').length).toBeGreaterThan(5);
    expect(byNode('node2').length).toBeGreaterThan(5);
    expect(Math.max(...byNode('node1').map((o) => o.ms))).toBeLessThan(60);
    expect(Math.min(...byNode('node2').map((o) => o.ms))).toBeGreaterThanOrEqual(60);
  });

  it('replays the same history from the same seed with jitter on every link', async () => {
    const spec = { ...base, topology: twoZones(2, 5, 1.5) };
    // What is random outside the seed (mount uuids, lock holder ids) blanked.
    const shape = (r: DrillResult) =>
      r.history.events.map((e) =>
        JSON.stringify(e)
          .replace(/logical\/[0-9a-f-]{36}\//g, 'logical/M/')
          .replace(/(node\d+)-[0-9a-f]{8}/g, '$1'),
      );
    const [a, b] = [await runDrill(spec), await runDrill(spec)];
    expect(shape(b)).toEqual(shape(a));
    expect(shape(await runDrill({ ...spec, seed: 6 }))).not.toEqual(shape(a));
  });

  it('zone-loss: the dark zone’s active is replaced from another zone; the report and timeline show the network', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vaultlab-zone-'));
    try {
      const r = await runScenario('zone-loss', { seed: 1, reportDir: dir });
      expect(
        r.expectations.filter((e) => !e.ok),
        r.summary,
      ).toEqual([]);
      const down = r.result.history.events.find((e) => e.kind === 'fault');
      expect(down).toMatchObject({ name: 'zone-down', target: 'z1', on: true, nodes: ['node1'] });
      const md = await readFile(join(dir, 'drill.md'), 'utf8');
      expect(md).toContain('## Network');
      expect(md).toContain('Nodes: node1 in z1, node2 in z2, node3 in z3.');
      expect(md).toContain('| z1 ↔ z3 | 1 ms | 0 ms |');
      expect(md).toContain('| clients → z2 | 10 ms | 0 ms |');
      const svg = await readFile(join(dir, 'timeline.svg'), 'utf8');
      expect(svg).toContain('node1 · z1');
      expect(svg).toContain('>topology three-zones: zones z1, z2, z3; one-way latency 0.1 ms inside a zone');
      expect(svg).toContain('<title>zone-down on z1</title>');
      const json = JSON.parse(await readFile(join(dir, 'drill.json'), 'utf8'));
      expect(json.spec.topology).toEqual(TOPOLOGY_PRESETS['three-zones']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('zone-loss on one zone darkens the whole cluster: no active and no C6 (nobody could take over), and the zone expectation fails', async () => {
    const r = await runScenario('zone-loss', { seed: 1, topology: TOPOLOGY_PRESETS['one-zone'] });
    expect(r.result.violation, r.result.violation?.message).toBeUndefined();
    expect(r.expectations.find((e) => e.text.startsWith('the next active sits in another zone'))?.ok).toBe(false);
    expect(r.passed).toBe(false);
  });

  it('refuses a topology that lacks a zone the scenario takes down', async () => {
    const scenario = {
      name: 'z9-down',
      description: '',
      topology: 'three-zones',
      steps: [
        { do: 'fault', kind: 'zone-down', target: 'z3' },
        { do: 'wait', ms: 100 },
      ] as const,
    };
    const checked = checkScenario(scenario);
    expect('scenario' in checked).toBe(true);
    if (!('scenario' in checked)) return;
    await expect(runScenario(checked.scenario, { topology: twoZones(0, 0) })).rejects.toThrow(
      new ScenarioTopologyError('the scenario takes zone z3 down, but topology test-two-zones has zones z1, z2'),
    );
  });
});

describe('scenario files with a topology', () => {
  const file = (extra: object, step: object = { do: 'fault', kind: 'zone-down', target: 'z2' }) => ({
    name: 'mine',
    steps: [step, { do: 'wait', ms: '1s' }],
    ...extra,
  });

  it('takes a preset and zone-down at a zone of it', () => {
    const checked = checkScenario(file({ topology: 'three-zones' }));
    expect(checked).toEqual({ scenario: expect.objectContaining({ topology: 'three-zones' }) });
  });

  it('names each bad field: an unknown preset, a zone fault without a topology, a zone the topology lacks', () => {
    expect(checkScenario(file({ topology: 'mars' }))).toEqual({
      errors: [
        'topology: must be one of local, one-zone, three-zones',
        'steps[0].kind: zone-down needs a topology: set "topology" to a preset',
      ],
    });
    expect(checkScenario(file({ topology: 'one-zone' }))).toEqual({
      errors: ['steps[0].target: must be one of active, standby, node1, node2, node3, z1 for zone-down'],
    });
    expect(checkScenario(file({}, { do: 'expect', that: 'active-in-another-zone' }))).toEqual({
      errors: ['steps: active-in-another-zone needs a topology: set "topology" to a preset'],
    });
  });
});

describe('one topology, two worlds', () => {
  /**
   * Three nodes in two zones: node1 and node3 in z1 with storage, node2 in z2. When z1 goes dark,
   * node2 is the one node that can still reach storage, in virtual time as on real sockets.
   */
  const zoneOneDown = {
    name: 'zone-one-down',
    description: 'z1 goes dark with the active and one standby in it',
    steps: [
      { do: 'load', clients: 3 },
      { do: 'wait', ms: 1000 },
      { do: 'fault', kind: 'zone-down', target: 'z1', forMs: 2500 },
      { do: 'wait', ms: 3000 },
    ],
  } as const;

  it('a virtual-time drill and a real-time run of one topology agree on who becomes active when a zone goes dark', async () => {
    const o = { seed: 1, topology: twoZones(0.5, 5) };
    const scenario = { ...zoneOneDown, steps: [...zoneOneDown.steps] };
    const virtual = await runScenario(scenario, o);
    const real = await runScenario(scenario, { ...o, realTime: true });
    for (const r of [virtual, real]) {
      expect(r.result.violation, r.summary).toBeUndefined();
      expect(r.result.lostWrites).toBe(0);
    }
    expect(takerAfterFault(virtual.result)).toBe('node2');
    expect(takerAfterFault(real.result)).toBe(takerAfterFault(virtual.result));
    process.stdout.write(`${virtual.summary}\n${real.summary} (real time)\n`);
  }, 90_000);
});
