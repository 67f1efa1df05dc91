/**
 * The node machine as a test model: the events a real node can produce (with unseal
 * progress counted as a real node counts it, so the model's context matches what
 * seal-status reports), the paths xstate/graph finds through it, and the transitions
 * (from, event, to) those paths must exercise. Used to replay the machine against real
 * nodes (T14 in docs/invariants.md).
 */
import type { SnapshotFrom } from 'xstate';
import { getAdjacencyMap, getShortestPaths, getSimplePaths, type AdjacencyMap, type StatePath } from 'xstate/graph';
import { leafState, nodeMachine, type NodeMachineEvent, type NodeState } from '../../src/node/index.ts';

/** A snapshot of the node machine. */
export type NodeSnapshot = SnapshotFrom<typeof nodeMachine>;
/**
 * What a client does, as the model names it: a machine event, or a set of shares that
 * reaches the threshold but does not open the barrier (THRESHOLD_REACHED, then the
 * opening fails).
 */
export type ModelEvent = NodeMachineEvent | { type: 'UNSEAL_WRONG_SHARES' };
/** One path through the machine: its steps, each an event and the state it leads to. */
export type NodePath = StatePath<NodeSnapshot, ModelEvent>;

/** Shamir parameters every replay uses: a share short of the threshold is the most progress a sealed node shows. */
export const SHARES = 5;
export const THRESHOLD = 3;

/** Every event the machine knows, one of each kind (RESTART both ways: storage decides). */
export const MACHINE_EVENTS: readonly NodeMachineEvent[] = [
  { type: 'INITIALIZED' },
  { type: 'UNSEAL_PROGRESS', progress: 1, nonce: 'n' },
  { type: 'UNSEAL_RESET' },
  { type: 'THRESHOLD_REACHED' },
  { type: 'SEAL' },
  { type: 'LOCK_ACQUIRED', term: 1, at: 2 },
  { type: 'LOCK_LOST', reason: 'test' },
  { type: 'STEP_DOWN', backoffUntil: 10 },
  { type: 'CRASH' },
  { type: 'RESTART', initialized: true },
  { type: 'RESTART', initialized: false },
];

/**
 * The machine's own event when its openBarrier actor is done: no client causes it, it
 * follows THRESHOLD_REACHED within the same request, so the model folds the two into one step.
 */
const BARRIER_OPENED = { type: 'xstate.done.actor.openBarrier', output: { at: 1 } } as unknown as NodeMachineEvent;
const BARRIER_FAILED = { type: 'xstate.error.actor.openBarrier', error: new Error('wrong shares') } as unknown as NodeMachineEvent;

/** Whether a snapshot is the node opening its barrier (a state no client can stop in). */
function opening(snapshot: NodeSnapshot): boolean {
  return snapshot.matches({ sealed: 'opening' });
}

/**
 * The events offered in a snapshot. UNSEAL_PROGRESS carries the next real count, up to
 * one share short of the threshold (the share that reaches it is THRESHOLD_REACHED), so every
 * progress a sealed node can show is a state of the model. RESTART comes as storage
 * says: initialized is always possible (another node may have initialized it while this
 * one was down), uninitialized only while the node never saw it initialized.
 */
export function eventsFor(snapshot: NodeSnapshot): NodeMachineEvent[] {
  if (opening(snapshot)) return [BARRIER_OPENED, BARRIER_FAILED];
  const next = snapshot.context.progress + 1;
  return MACHINE_EVENTS.flatMap((e): NodeMachineEvent[] => {
    if (e.type === 'UNSEAL_PROGRESS') return next < THRESHOLD ? [{ ...e, progress: next }] : [];
    if (e.type === 'RESTART' && !e.initialized) return snapshot.context.initialized ? [] : [e];
    return [e];
  });
}

/** The leaf a snapshot is in, as a node reports it. */
export function leafOf(snapshot: NodeSnapshot): NodeState {
  return leafState(snapshot.value);
}

/** The client's event for THRESHOLD_REACHED followed by the opening's outcome. */
function thresholdEvent(outcome: { type: string }): ModelEvent {
  return outcome.type.startsWith('xstate.error.') ? { type: 'UNSEAL_WRONG_SHARES' } : { type: 'THRESHOLD_REACHED' };
}

/** A path as a client lives it: the barrier's opening folded into the request that reached the threshold. */
function folded(path: NodePath): NodePath {
  const steps: NodePath['steps'] = [];
  for (const step of path.steps) {
    const last = steps.at(-1);
    if (last && opening(last.state)) steps[steps.length - 1] = { event: thresholdEvent(step.event), state: step.state };
    else steps.push(step);
  }
  return { ...path, steps };
}

/** The paths a client can stop at (none ends while the barrier is opening), folded. */
function clientPaths(paths: NodePath[]): NodePath[] {
  return paths.filter((p) => !opening(p.state)).map(folded);
}

/** The name of one transition, as the coverage counts it. */
export function edgeKey(from: NodeState, event: string, to: NodeState): string {
  return `${from} -${event}-> ${to}`;
}

/** An event's name, with what storage said for a RESTART (the two restarts are different roads). */
export function eventLabel(event: ModelEvent): string {
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
  const shortest = clientPaths(getShortestPaths(nodeMachine, options));
  const simple = clientPaths(getSimplePaths(nodeMachine, options));
  const bySerialized = new Map(shortest.map((p) => [key(p.state), p]));
  const states = new Set<NodeState>();
  const transitions = new Map<string, NodePath>();
  const adjacency = getAdjacencyMap(nodeMachine, options);
  for (const vertex of Object.values(adjacency)) {
    if (opening(vertex.state)) continue;
    const from = leafOf(vertex.state);
    states.add(from);
    const prefix = bySerialized.get(key(vertex.state));
    if (!prefix) throw new Error(`no shortest path to ${key(vertex.state)}`);
    const moves = Object.values(vertex.transitions) as Array<{ event: NodeMachineEvent; state: NodeSnapshot }>;
    // A handled event only: an ignored one is no transition of the machine.
    for (const { event, state: next } of moves.filter((m) => vertex.state.can(m.event)).flatMap((m) => clientMoves(adjacency, m))) {
      const edge = edgeKey(from, event.type, leafOf(next));
      const path: NodePath = { state: next, steps: [...prefix.steps, { event, state: next }], weight: prefix.weight + 1 };
      const known = transitions.get(edge);
      if (!known || known.steps.length > path.steps.length) transitions.set(edge, path);
    }
  }
  return { states, transitions: new Set(transitions.keys()), shortest, simple, transitionPaths: [...transitions.values()] };
}

/** A move as a client sees it: one into the barrier's opening becomes one move per outcome of the opening. */
function clientMoves(
  adjacency: AdjacencyMap<NodeSnapshot, NodeMachineEvent>,
  move: { event: NodeMachineEvent; state: NodeSnapshot },
): Array<{ event: ModelEvent; state: NodeSnapshot }> {
  if (!opening(move.state)) return [move];
  const vertex = Object.values(adjacency).find((v) => key(v.state) === key(move.state));
  const outcomes = Object.values(vertex?.transitions ?? {}) as Array<{ event: NodeMachineEvent; state: NodeSnapshot }>;
  if (outcomes.length !== 2) throw new Error(`opening the barrier should end two ways, found ${outcomes.length}`);
  return outcomes.map((o) => ({ event: thresholdEvent(o.event), state: o.state }));
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
