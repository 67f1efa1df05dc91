/**
 * Slow storage on demand (Vault's sdk/physical/latency.go): every call waits a latency with
 * a uniform jitter of ±jitterPercent before it reaches the inner backend. The wait goes
 * through the Clock and the jitter through a seeded random source, so a drill with slow
 * storage replays exactly in virtual time.
 */
import type { Clock } from '../clock/index.ts';
import type { Backend } from './backend.ts';
import { BackendDecorator } from './backend-decorator.ts';

/** Latency settings; read at every call, so the lab may change them while nodes run. */
export interface LatencySettings {
  /** The mean added latency in ms (0 = none). */
  latencyMs: number;
  /** The spread around it, in percent of the latency (Vault's default is 20). */
  jitterPercent: number;
  /** A random source in [0, 1) (seeded in drills). */
  random: () => number;
}

/** A Backend whose calls are delayed. */
export class LatencyInjector extends BackendDecorator {
  constructor(
    inner: Backend,
    /** The live settings (kept by reference). */
    readonly settings: LatencySettings,
    private readonly clock: Clock,
  ) {
    super(inner);
  }

  /** Changes the latency (Vault's SetLatency). */
  setLatency(ms: number, jitterPercent = this.settings.jitterPercent): void {
    this.settings.latencyMs = ms;
    this.settings.jitterPercent = jitterPercent;
  }

  /** The delay of the next call: latency × (1 ± jitter), one random draw whatever the jitter, so seeds replay alike. */
  nextDelay(): number {
    const { latencyMs, jitterPercent, random } = this.settings;
    const spread = (jitterPercent / 100) * (2 * random() - 1);
    return Math.max(0, latencyMs * (1 + spread));
  }

  protected idle(): boolean {
    return !(this.settings.latencyMs > 0);
  }

  protected gate(): Promise<void> | undefined {
    return this.idle() ? undefined : this.clock.sleep(this.nextDelay());
  }
}
