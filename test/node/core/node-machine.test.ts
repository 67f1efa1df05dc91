/**
 * The lifecycle machine, walked with xstate's graph utilities: every state is reachable,
 * every transition the design names exists (and no other), and the context never holds
 * anything but public facts.
 */
import { createActor, fromPromise, waitFor } from 'xstate';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import { nodeMachine, type NodeMachineEvent } from '../../../src/node/index.ts';
import { MACHINE_EVENTS } from '../../helpers/machine-model.ts';

/** Every client event, and the outcomes of the machine's own openBarrier actor. */
const EVENTS = [
  ...MACHINE_EVENTS,
  { type: 'xstate.done.actor.openBarrier', output: { at: 1 } },
  { type: 'xstate.error.actor.openBarrier', error: new Error('wrong shares') },
] as unknown as NodeMachineEvent[];

/** The state a value names; the barrier's opening shows as its own step. */
function leaf(value: unknown): string {
  if (typeof value === 'string') return value;
  const [outer, inner] = Object.entries(value as object)[0];
  if (outer === 'sealed') return inner === 'opening' ? 'opening' : 'sealed';
  return leaf(inner);
}

function edges(haEnabled: boolean, initialized: boolean): Set<string> {
  const map = getAdjacencyMap(nodeMachine, { events: EVENTS, input: { name: 'n', haEnabled, initialized } });
  const out = new Set<string>();
  for (const v of Object.values(map)) {
    for (const [key, t] of Object.entries(v.transitions)) {
      const from = leaf(v.state.value);
      const to = leaf((t as { state: { value: unknown } }).state.value);
      if (from !== to) out.add(`${from} -${JSON.parse(key).type}-> ${to}`);
    }
  }
  return out;
}

describe('the node machine', () => {
  it('reaches every state from a fresh node with HA', () => {
    const paths = getShortestPaths(nodeMachine, { events: EVENTS, input: { name: 'n', haEnabled: true, initialized: false } });
    const reached = new Set(paths.map((p) => leaf(p.state.value)));
    expect([...reached].sort()).toEqual(['active', 'opening', 'sealed', 'standby', 'stopped', 'uninitialized']);
  });

  it('has exactly the transitions of the design, with HA', () => {
    expect([...edges(true, false)].sort()).toEqual(
      [
        'uninitialized -INITIALIZED-> sealed',
        'uninitialized -CRASH-> stopped',
        'sealed -THRESHOLD_REACHED-> opening',
        'sealed -CRASH-> stopped',
        'opening -xstate.done.actor.openBarrier-> standby',
        'opening -xstate.error.actor.openBarrier-> sealed',
        'opening -CRASH-> stopped',
        'standby -LOCK_ACQUIRED-> active',
        'standby -SEAL-> sealed',
        'standby -CRASH-> stopped',
        'active -LOCK_LOST-> standby',
        'active -STEP_DOWN-> standby',
        'active -SEAL-> sealed',
        'active -CRASH-> stopped',
        'stopped -RESTART-> sealed',
        'stopped -RESTART-> uninitialized',
      ].sort(),
    );
  });

  it('goes straight to active without HA, where lock events do nothing', () => {
    const e = edges(false, true);
    expect(e).toContain('opening -xstate.done.actor.openBarrier-> active');
    expect([...e].some((x) => x.includes('LOCK_') || x.includes('STEP_DOWN'))).toBe(false);
  });

  it('a restarted node that was never initialized comes back uninitialized', () => {
    const actor = createActor(nodeMachine, { input: { name: 'n', haEnabled: true, initialized: false } }).start();
    actor.send({ type: 'CRASH' });
    actor.send({ type: 'RESTART', initialized: false });
    expect(leaf(actor.getSnapshot().value)).toBe('uninitialized');
  });

  it('a restarted node goes where storage says, even if another node initialized it meanwhile', () => {
    const actor = createActor(nodeMachine, { input: { name: 'n', haEnabled: true, initialized: false } }).start();
    actor.send({ type: 'CRASH' });
    actor.send({ type: 'RESTART', initialized: true });
    expect(leaf(actor.getSnapshot().value)).toBe('sealed');
    expect(actor.getSnapshot().context.initialized).toBe(true);
  });

  it('opens the barrier as its own actor: a node without HA is active from the instant it opened', async () => {
    const machine = nodeMachine.provide({ actors: { openBarrier: fromPromise(async () => ({ at: 42 })) } });
    const actor = createActor(machine, { input: { name: 'n', haEnabled: false, initialized: true } }).start();
    actor.send({ type: 'UNSEAL_PROGRESS', progress: 2, nonce: 'abc' });
    actor.send({ type: 'THRESHOLD_REACHED' });
    expect(actor.getSnapshot().value).toEqual({ sealed: 'opening' });
    expect(actor.getSnapshot().context).toMatchObject({ progress: 0, nonce: '' });
    await waitFor(actor, (s) => s.matches({ unsealed: 'active' }));
    expect(actor.getSnapshot().context.activeSince).toBe(42);
  });

  it('a barrier that does not open (a wrong set of shares) leaves the node sealed, the attempt spent', async () => {
    const machine = nodeMachine.provide({
      actors: {
        openBarrier: fromPromise<{ at: number }>(async () => {
          throw new Error('wrong shares');
        }),
      },
    });
    const actor = createActor(machine, { input: { name: 'n', haEnabled: true, initialized: true } }).start();
    actor.send({ type: 'UNSEAL_PROGRESS', progress: 2, nonce: 'abc' });
    actor.send({ type: 'THRESHOLD_REACHED' });
    await waitFor(actor, (s) => s.matches({ sealed: 'collecting' }));
    expect(actor.getSnapshot().context).toMatchObject({ progress: 0, nonce: '', activeSince: 0 });
  });

  it('keeps only public facts in its context, and forgets progress on seal', async () => {
    const actor = createActor(nodeMachine, { input: { name: 'n', haEnabled: true, initialized: true } }).start();
    actor.send({ type: 'UNSEAL_PROGRESS', progress: 2, nonce: 'abc' });
    expect(actor.getSnapshot().context).toMatchObject({ progress: 2, nonce: 'abc' });
    actor.send({ type: 'THRESHOLD_REACHED' });
    await waitFor(actor, (s) => s.matches({ unsealed: 'standby' }));
    actor.send({ type: 'LOCK_ACQUIRED', term: 7, at: 6 });
    expect(actor.getSnapshot().context).toMatchObject({ term: 7, activeSince: 6 });
    actor.send({ type: 'SEAL' });
    const ctx = actor.getSnapshot().context;
    expect(ctx).toMatchObject({ progress: 0, nonce: '', term: 0, activeSince: 0 });
    expect(Object.keys(ctx).sort()).toEqual([
      'activeSince',
      'backoffUntil',
      'haEnabled',
      'initialized',
      'name',
      'nonce',
      'progress',
      'term',
    ]);
  });
});
