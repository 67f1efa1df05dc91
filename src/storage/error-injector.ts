/**
 * Flaky storage on demand (Vault's sdk/physical/error.go): each call fails with
 * InjectedFaultError at a given rate, before it reaches the inner backend (a failed write
 * writes nothing). The draws come from a seeded random source so a drill replays.
 */
import type { Backend } from './backend.ts';
import { BackendDecorator } from './backend-decorator.ts';
import { InjectedFaultError } from './errors.ts';

/** Error settings; read at every call, so the lab may change them while nodes run. */
export interface ErrorSettings {
  /** The probability that a call fails, 0..1 (Vault's default is 0.2). */
  errorRate: number;
  /** A random source in [0, 1) (seeded in drills). */
  random: () => number;
}

/** A Backend whose calls fail at a rate. */
export class ErrorInjector extends BackendDecorator {
  constructor(
    inner: Backend,
    /** The live settings (kept by reference). */
    readonly settings: ErrorSettings,
  ) {
    super(inner);
    checkRate(settings.errorRate);
  }

  /** Changes the rate (Vault's SetErrorPercentage, as a fraction). */
  setErrorRate(rate: number): void {
    checkRate(rate);
    this.settings.errorRate = rate;
  }

  protected idle(): boolean {
    return !(this.settings.errorRate > 0);
  }

  protected gate(): Promise<void> | undefined {
    // No draw at rate 0: a healthy link leaves the drill's random sequence untouched.
    if (this.idle()) return undefined;
    return this.settings.random() < this.settings.errorRate ? Promise.reject(new InjectedFaultError()) : undefined;
  }
}

function checkRate(rate: number): void {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`error rate must be in [0, 1], got ${rate}`);
}
