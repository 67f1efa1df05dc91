/**
 * T14: the lifecycle machine's paths replayed against real nodes. xstate/graph lists
 * the shortest and simple paths to every state, and a path through every transition;
 * each is replayed on a fresh real node (an HA pair, and a single node without HA),
 * causing every machine event the way a client or the lab would, and after every step
 * the node's seal-status, health and leader answers must be what Vault answers in the
 * machine's state. Coverage is counted from what the real node showed, so an event with
 * no real cause, or a cause that lands elsewhere, leaves a transition uncovered.
 */
import { describe, expect, it } from 'vitest';
import { startHaRig } from '../helpers/ha-replay-rig.ts';
import { describePath, edgeKey, modelOf, pathsToReplay, type NodePath } from '../helpers/machine-model.ts';
import { expectedObservation, observe, stateShown } from '../helpers/node-observation.ts';
import { startSingleRig, type ReplayRig } from '../helpers/replay-rig.ts';

/** What the replays made a real node do. */
interface Coverage {
  states: Set<string>;
  transitions: Set<string>;
  paths: number;
  steps: number;
}

/** Replays one path on a fresh rig, checking the node's answers after the start and after every event. */
async function replay(path: NodePath, rig: ReplayRig, seen: Coverage): Promise<void> {
  const [start, ...steps] = path.steps;
  expect(start.event.type).toBe('xstate.init');
  let before = await observe(rig.http, rig.addresses.self);
  expect(before, 'at start').toEqual(expectedObservation(start.state, rig.addresses));
  seen.states.add(stateShown(before));
  const done: string[] = [];
  for (const step of steps) {
    await rig.cause(step.event, stateShown(before));
    done.push(step.event.type);
    const after = await observe(rig.http, rig.addresses.self);
    expect(after, `after ${done.join(' > ')}`).toEqual(expectedObservation(step.state, rig.addresses));
    seen.transitions.add(edgeKey(stateShown(before) as never, step.event.type, stateShown(after) as never));
    seen.states.add(stateShown(after));
    before = after;
  }
  seen.paths++;
  seen.steps += steps.length;
}

const CONFIGS = [
  { name: 'an HA pair (node1 under test, node2 holding the lock otherwise)', haEnabled: true, start: startHaRig },
  { name: 'a single node without HA', haEnabled: false, start: startSingleRig },
];

describe.each(CONFIGS)('the node machine replayed on $name', ({ haEnabled, start }) => {
  const model = modelOf(haEnabled);
  const paths = pathsToReplay(model);
  const seen: Coverage = { states: new Set(), transitions: new Set(), paths: 0, steps: 0 };

  for (const path of paths) {
    it(describePath(path), async () => {
      const rig = await start();
      try {
        await replay(path, rig, seen);
      } finally {
        await rig.close();
      }
    });
  }

  it('exercised every state and every transition of the machine on the real node', () => {
    const states = [...model.states].sort();
    const transitions = [...model.transitions].sort();
    process.stdout.write(
      `T14 ${haEnabled ? 'HA' : 'no HA'}: ${seen.paths}/${paths.length} paths replayed (${model.shortest.length} shortest, ` +
        `${model.simple.length} simple, ${model.transitionPaths.length} per transition; ${seen.steps} steps), ` +
        `states ${states.filter((s) => seen.states.has(s)).length}/${states.length}, ` +
        `transitions ${transitions.filter((t) => seen.transitions.has(t)).length}/${transitions.length}\n`,
    );
    expect(seen.paths).toBe(paths.length);
    expect([...seen.states].sort()).toEqual(states);
    expect([...seen.transitions].sort()).toEqual(transitions);
  });
});
