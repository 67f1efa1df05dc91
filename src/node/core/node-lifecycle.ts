/**
 * The lifecycle machine of one node, bound to its effects (xstate's `machine.provide()`
 * in one place): the barrier's opening, the standby's campaign and the active's lock keeper
 * as invoked actors, and the teardown, seal and crash actions. The snapshot is the one truth of the node's
 * state; everything else reads it from here.
 */
import { createActor, fromPromise, type Actor } from 'xstate';
import type { Clock } from '../../clock/index.ts';
import type { Leadership } from '../../ha/index.ts';
import type { NodeTelemetry } from '../telemetry/index.ts';
import type { Activation } from './activation.ts';
import { timedTakeover } from './node-metrics.ts';
import { leafState, nodeMachine, type NodeMachineContext, type NodeMachineEvent, type NodeState } from './node-machine.ts';

/** What the machine's effects act on. */
export interface LifecycleParts {
  name: string;
  clock: Clock;
  /** The node's part in HA; undefined for a single node without HA. */
  ha: Leadership | undefined;
  activation: Activation;
  /** Whether storage holds an initialized barrier at start. */
  initialized: boolean;
  /** Sealed with the threshold of shares: open the barrier (the unseal flow does it). */
  openBarrier(signal: AbortSignal): Promise<{ at: number }>;
  /** Sealing or crashing: drop every key and what was read with them. */
  wipeKeys(): void;
  /** Told of every change of the reported state. */
  onState(from: NodeState, to: NodeState): void;
  /** Where the time from winning the lock to serving as active goes (`vaultlab.ha.takeover`). */
  telemetry: NodeTelemetry;
}

/** One node's running machine. */
export class NodeLifecycle {
  private readonly actor: Actor<typeof nodeMachine>;
  private reported: NodeState;

  constructor(private readonly p: LifecycleParts) {
    const machine = nodeMachine.provide({
      actors: {
        openBarrier: fromPromise(({ signal }) => p.openBarrier(signal)),
        campaign: fromPromise(({ input, signal }) => this.campaign(signal, input.backoffUntil)),
        lockKeeper: fromPromise(async ({ input, signal }) => {
          const reason = await p.ha?.keepLock(signal, input.term);
          if (reason !== undefined && !signal.aborted) this.lockLost(reason);
        }),
      },
      actions: {
        teardownActive: ({ event }) => this.leaveActive(event.type === 'CRASH'),
        wipeKeys: () => p.wipeKeys(),
        halt: () => p.wipeKeys(),
      },
    });
    this.actor = createActor(machine, { input: { name: p.name, haEnabled: p.ha !== undefined, initialized: p.initialized } });
    this.reported = p.initialized ? 'sealed' : 'uninitialized';
    this.actor.subscribe((snap) => {
      const next = leafState(snap.value);
      if (next === this.reported) return;
      const from = this.reported;
      this.reported = next;
      p.onState(from, next);
    });
    this.actor.start();
  }

  /** The state the node reports, read from the snapshot. */
  get state(): NodeState {
    return leafState(this.actor.getSnapshot().value);
  }

  /** The machine's public facts (term, activeSince, unseal progress and nonce). */
  get context(): NodeMachineContext {
    return this.actor.getSnapshot().context;
  }

  /** Tells the machine. */
  send(e: NodeMachineEvent): void {
    this.actor.send(e);
  }

  /** The one way the active learns it lost the lock, whoever noticed: the keeper, fencing, the lease check or a resume. */
  lockLost(reason: string): void {
    if (this.state === 'active') this.actor.send({ type: 'LOCK_LOST', reason });
  }

  /** Stops the machine for good. */
  stop(): void {
    this.actor.stop();
  }

  /** The standby's campaign: take the lock, get ready to serve as its term's active, then report it to the machine. */
  private async campaign(signal: AbortSignal, backoffUntil: number): Promise<void> {
    const { ha, activation, clock } = this.p;
    const ready = (t: number, holder: string) => timedTakeover(this.p.telemetry, () => activation.activate(t, holder));
    const term = await ha!.campaign(signal, backoffUntil, ready);
    if (term === undefined) return;
    // Won just as the node left standby (sealed, crashed): give the lock back, or a sealed node
    // holds it until its lease runs out and nobody can fail over.
    if (signal.aborted) this.leaveActive(this.state === 'stopped');
    else this.actor.send({ type: 'LOCK_ACQUIRED', term, at: clock.now() });
  }

  /** Leaving active by any road: unload, then release the lock (or abandon it when the node crashed). */
  private leaveActive(crashed: boolean): void {
    this.p.activation.deactivate();
    if (crashed) this.p.ha?.abandon();
    else this.p.ha?.release();
  }
}
