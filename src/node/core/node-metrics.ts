/**
 * How a node feeds its metrics: its storage and barrier timed under Vault's names, the core
 * gauges read at scrape time, and what its changes of state say about leadership:
 * `vault.core.leadership_lost` (how long it was active, as Vault reports it), and the lab's
 * `vaultlab.ha.lock_acquired` and `vaultlab.ha.takeover` (Vault has no metric for taking the
 * lock, nor for the time a new active takes to serve once it holds it).
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../clock/index.ts';
import { AesGcmBarrier, createAead, type Barrier } from '../../crypto/index.ts';
import { TimedBackend, type Backend, type StorageOp } from '../../storage/index.ts';
import { NodeTelemetry, TimedBarrier } from '../telemetry/index.ts';
import type { NodeState } from './node-machine.ts';
import type { NodeOptions } from './node-options.ts';

/** A node's telemetry and the timed storage and barrier it reads through. */
export interface InstrumentedParts {
  telemetry: NodeTelemetry;
  backend: Backend;
  barrier: Barrier;
}

/** Builds the telemetry of a node whose state `state()` reads, with its storage and barrier timed. */
export function instrumentNode(opts: NodeOptions, state: () => NodeState): InstrumentedParts {
  const telemetry = new NodeTelemetry({
    gauges: () => {
      const s = state();
      return { 'vault.core.active': s === 'active' ? 1 : 0, 'vault.core.unsealed': s === 'active' || s === 'standby' ? 1 : 0 };
    },
  });
  const keys: Record<StorageOp, string> = { get: '', put: '', delete: '', list: '' };
  for (const op of Object.keys(keys) as StorageOp[]) keys[op] = `vault.${opts.storageType}.${op}`;
  const backend = new TimedBackend(opts.backend, (op, ms) => telemetry.measure(keys[op], ms));
  const barrier = new TimedBarrier(new AesGcmBarrier({ backend, aead: createAead(opts.aead ?? 'node') }), telemetry);
  return { telemetry, backend, barrier };
}

/** Counts a node's moves into and out of active, on its own clock. */
export class LeadershipMetrics {
  private activeAt: number | undefined;

  constructor(
    private readonly telemetry: NodeTelemetry,
    private readonly clock: Clock,
    private readonly ha: boolean,
  ) {}

  stateChanged(from: NodeState, to: NodeState): void {
    if (to === 'active') {
      this.activeAt = this.clock.now();
      if (this.ha) this.telemetry.count('vaultlab.ha.lock_acquired');
    }
    if (from === 'active' && this.activeAt !== undefined) {
      if (this.ha) this.telemetry.measure('vault.core.leadership_lost', this.clock.now() - this.activeAt);
      this.activeAt = undefined;
    }
  }
}

/**
 * Times a takeover, from winning the lock to being ready to serve (keyring reloaded, tables
 * loaded): the part of a failover the new active spends itself. A setup that fails is
 * Vault's `vault.core.leadership_setup_failed`.
 */
export async function timedTakeover<T>(telemetry: NodeTelemetry, call: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    const ready = await call();
    telemetry.measure('vaultlab.ha.takeover', performance.now() - start);
    return ready;
  } catch (err) {
    telemetry.measure('vault.core.leadership_setup_failed', performance.now() - start);
    throw err;
  }
}
