/**
 * What the HA backend suites share: the fixture a backend under test comes in, a lock at
 * core/lock taken as a named holder, and the wrapper that runs one test on a fresh SimClock.
 */
import { SimClock } from '../../src/clock/index.ts';
import type { HABackend, Lock, LockGrant, LockOptions, StorageEvent } from '../../src/storage/index.ts';

/** An HA backend under test on a given clock; `reopen` closes it and opens the same storage again (persistent backends). */
export interface HAFixture {
  backend: HABackend & { onEvent?(fn: (e: StorageEvent) => void): () => void };
  reopen?: () => Promise<HABackend>;
  dispose(): Promise<void>;
}

export const TTL = 1000;
export const bytes = (s: string) => new TextEncoder().encode(s);
export const text = (u: Uint8Array | undefined) => (u === undefined ? undefined : new TextDecoder().decode(u));
export const never = () => new AbortController().signal;

/** The lock at core/lock as `holder` asks for it; its value is the holder's name in capitals. */
export function lockAs(be: HABackend, holder: string, opts: Partial<LockOptions> = {}): Lock {
  return be.lock('core/lock', holder.toUpperCase(), { holder, ttlMs: TTL, ...opts });
}

/** Takes the free lock as `holder`: the lock and its grant. */
export async function take(be: HABackend, holder: string, opts: Partial<LockOptions> = {}): Promise<{ lock: Lock; grant: LockGrant }> {
  const lock = lockAs(be, holder, opts);
  const grant = await lock.acquire(never());
  if (!grant) throw new Error(`${holder} did not get the free lock`);
  return { lock, grant };
}

/** Starts `lock`'s acquire in the background and exposes its outcome as it comes. */
export function contendOn(lock: Lock, signal = never()) {
  const state: { grant?: LockGrant; done: boolean; error?: unknown } = { done: false };
  const settled = lock.acquire(signal).then(
    (g) => Object.assign(state, { grant: g, done: true }),
    (error) => Object.assign(state, { error, done: true }),
  );
  return { lock, state, settled };
}

/** A test body run against a backend freshly opened on a new SimClock, disposed afterwards. */
export type SuiteTest = (fn: (be: HAFixture['backend'], clock: SimClock, fx: HAFixture) => Promise<void>) => () => Promise<void>;

/** The runner of one suite's tests: each test opens its own backend on its own clock. */
export function suiteTest(open: (clock: SimClock) => Promise<HAFixture>): SuiteTest {
  return (fn) => async () => {
    const clock = new SimClock();
    const fx = await open(clock);
    try {
      await fn(fx.backend, clock, fx);
    } finally {
      await fx.dispose();
    }
  };
}
