/**
 * The node machine as a test model: the events a real node can produce (with unseal
 * progress counted as a real node counts it, so the model's context matches what
 * seal-status reports), the paths xstate/graph finds through it, and the transitions
 * (from, event, to) those paths must exercise. Used to replay the machine against real
 * nodes (reliability T14).
 */
import type { SnapshotFrom } from 'xstate';
import { getAdjacencyMap, getShortestPaths, getSimplePaths, type StatePath } from 'xstate/graph';
import { nodeMachine, type NodeMachineEvent, type NodeState } from '../../src/node/index.ts';

/** A snapshot of the node machine. */
export type NodeSnapshot = SnapshotFrom<typeof nodeMachine>;
/** One path through the machine: its steps, each an event and the state it leads to. */
export type NodePath = StatePath<NodeSnapshot, NodeMachineEvent>;

/** Shamir parameters every replay uses: a share short of the threshold is the most progress a sealed node shows. */
export const SHARES = 5;
export const THRESHOLD = 3;

/** Every event the machine knows, one of each kind (RESTART both ways: storage decides). */
export const MACHINE_EVENTS: readonly NodeMachineEvent[] = [
  { type: 'INITIALIZED' },
  { type: 'UNSEAL_PROGRESS', progress: 1, nonce: 'n' },
  { type: 'UNSEAL_RESET' },
  { type: 'UNSEALED', at: 1 },
  { type: 'SEAL' },
  { type: 'LOCK_ACQUIRED', term: 1, at: 2 },
  { type: 'LOCK_LOST', reason: 'test' },
  { type: 'STEP_DOWN', backoffUntil: 10 },
  { type: 'CRASH' },
  { type: 'RESTART', initialized: true },
  { type: 'RESTART', initialized: false },
];

/**
 * The events offered in a snapshot. UNSEAL_PROGRESS carries the next real count, up to
 * one share short of the threshold (the share that reaches it is UNSEALED), so every
 * progress a sealed node can show is a state of the model. RESTART comes as storage
 * says: initialized is always possible (another node may have initialized it while this
 * one was down), uninitialized only while the node never saw it initialized.
 */
export function eventsFor(snapshot: NodeSnapshot): NodeMachineEvent[] {
  const next = snapshot.context.progress + 1;
  return MACHINE_EVENTS.flatMap((e): NodeMachineEvent[] => {
    if (e.type === 'UNSEAL_PROGRESS') return next < THRESHOLD ? [{ ...e, progress: next }] : [];
    if (e.type === 'RESTART' && !e.initialized) return snapshot.context.initialized ? [] : [e];
    return [e];
  });
}

/** The leaf a snapshot is in, as a node reports it. */
export function leafOf(snapshot: NodeSnapshot): NodeState {
  const v = snapshot.value as string | Record<string, string>;
  return (typeof v === 'string' ? v : Object.values(v)[0]) as NodeState;
}

/** The name of one transition, as the coverage counts it. */
export function edgeKey(from: NodeState, event: string, to: NodeState): string {
  return `${from} -${event}-> ${to}`;
}

/** An event's name, with what storage said for a RESTART (the two restarts are different roads). */
export function eventLabel(event: NodeMachineEvent): string {
  if (event.type === 'RESTART') return event.initialized ? 'RESTART(storage initialized)' : 'RESTART(storage empty)';
  return event.type;
}

/** The events of a path, for names and de-duplication (the initial xstate.init step left out). */
export function describePath(path: NodePath): string {
  return (
    path.steps
      .filter((s) => (s.event.type as string) !== 'xstate.init')
      .map((s) => eventLabel(s.event))
      .join(' > ') || '(start)'
  );
}

/** Everything the machine can do from a fresh node: its states, transitions and paths. */
export interface MachineModel {
  states: Set<NodeState>;
  transitions: Set<string>;
  shortest: NodePath[];
  simple: NodePath[];
  /** For each transition, the shortest path to its source followed by its event. */
  transitionPaths: NodePath[];
}

/** Walks the machine for a fresh node (uninitialized), with or without HA. */
export function modelOf(haEnabled: boolean): MachineModel {
  const options = { events: eventsFor, input: { name: 'node1', haEnabled, initialized: false } };
  const shortest = getShortestPaths(nodeMachine, options);
  const simple = getSimplePaths(nodeMachine, options);
  const bySerialized = new Map(shortest.map((p) => [key(p.state), p]));
  const states = new Set<NodeState>();
  const transitions = new Map<string, NodePath>();
  for (const vertex of Object.values(getAdjacencyMap(nodeMachine, options))) {
    const from = leafOf(vertex.state);
    states.add(from);
    const prefix = bySerialized.get(key(vertex.state));
    if (!prefix) throw new Error(`no shortest path to ${key(vertex.state)}`);
    const moves = Object.values(vertex.transitions) as Array<{ event: NodeMachineEvent; state: NodeSnapshot }>;
    for (const { event, state: next } of moves) {
      // A handled event only: an ignored one is no transition of the machine.
      if (!vertex.state.can(event)) continue;
      const edge = edgeKey(from, event.type, leafOf(next));
      const path: NodePath = { state: next, steps: [...prefix.steps, { event, state: next }], weight: prefix.weight + 1 };
      const known = transitions.get(edge);
      if (!known || known.steps.length > path.steps.length) transitions.set(edge, path);
    }
  }
  return { states, transitions: new Set(transitions.keys()), shortest, simple, transitionPaths: [...transitions.values()] };
}

function key(snapshot: NodeSnapshot): string {
  return JSON.stringify({ value: snapshot.value, context: snapshot.context });
}

/** The paths to replay: every shortest, simple and transition path, each sequence once. */
export function pathsToReplay(model: MachineModel): NodePath[] {
  const seen = new Map<string, NodePath>();
  for (const p of [...model.shortest, ...model.transitionPaths, ...model.simple]) {
    const k = describePath(p);
    if (!seen.has(k)) seen.set(k, p);
  }
  return [...seen.values()];
}
