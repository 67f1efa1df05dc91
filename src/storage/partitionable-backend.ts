/**
 * One node cut off from storage: while partitioned, every call from this node fails with
 * InjectedFaultError (lock renewals included, so the node loses its lease as a real one
 * would), and nothing it sends reaches storage. The other nodes, on their own links, are
 * unaffected. The switch may be shared by several layers of one node's link.
 */
import type { Backend } from './backend.ts';
import { BackendDecorator } from './backend-decorator.ts';
import { InjectedFaultError } from './errors.ts';

/** The on/off state of a partition. */
export interface PartitionSwitch {
  partitioned: boolean;
}

/** A Backend that can be cut off and healed. */
export class PartitionableBackend extends BackendDecorator {
  constructor(
    inner: Backend,
    /** The switch (kept by reference; share it to cut several layers at once). */
    readonly state: PartitionSwitch = { partitioned: false },
  ) {
    super(inner);
  }

  /** True while cut off. */
  get partitioned(): boolean {
    return this.state.partitioned;
  }

  /** Cuts the link: every later call fails until heal(). */
  partition(): void {
    this.state.partitioned = true;
  }

  /** Restores the link. */
  heal(): void {
    this.state.partitioned = false;
  }

  protected idle(): boolean {
    return !this.state.partitioned;
  }

  protected gate(): Promise<void> | undefined {
    return this.state.partitioned ? Promise.reject(new InjectedFaultError('storage unreachable (partitioned)')) : undefined;
  }
}
