/**
 * The gate a logical request passes on its node before it reaches the logical side: the
 * node must be the active and still within the lease it last renewed (an active stops
 * serving at its own lease deadline, before any standby may take the lock), and while the
 * lab holds the node paused, requests already past the gate wait, as in a frozen process.
 */
import type { Leadership } from '../../ha/index.ts';
import { SealedError, StandbyError } from '../errors.ts';
import type { NodeLifecycle } from './node-lifecycle.ts';

/** One node's request gate and pause. */
export class RequestGate {
  private hold: Promise<void> | undefined;

  constructor(
    private readonly life: () => NodeLifecycle,
    private readonly ha: Leadership | undefined,
  ) {}

  /** Throws SealedError or StandbyError unless this node may serve as the active now. */
  assertActive(): void {
    const state = this.life().state;
    if (state === 'standby') throw new StandbyError();
    if (state !== 'active') throw new SealedError();
    if (this.ha && !this.ha.holdsLease()) {
      this.life().lockLost('lease ran out before it was renewed');
      throw new StandbyError();
    }
  }

  /** While paused: resolves when the node resumes; undefined otherwise. */
  held(): Promise<void> | undefined {
    return this.hold;
  }

  /** Whether the lab holds this node paused. */
  get paused(): boolean {
    return this.hold !== undefined;
  }

  /**
   * The lab's pause (a Jepsen process pause): renewals stop and requests already past the
   * gate wait. The returned function resumes: the process's overdue lease check runs
   * first, then the frozen requests carry on with the term the node had.
   */
  pause(): () => void {
    this.ha?.setPaused(true);
    let release!: () => void;
    this.hold = new Promise<void>((r) => (release = r));
    return () => {
      this.hold = undefined;
      this.ha?.setPaused(false);
      if (this.ha && !this.ha.holdsLease()) this.life().lockLost('lease ran out while paused');
      release();
    };
  }
}
