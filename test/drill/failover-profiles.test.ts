/**
 * Vault-faithful timing profiles reproduce the failover times Vault users published
 * (docs/architecture.md: Time): on Consul's defaults a crashed active is replaced after
 * 30–45 s (session TTL 15 s kept up to 2 × TTL, then a 15 s lock-delay), a graceful
 * hand-over (step-down or seal, which release the lock) in under a second. Asserted in
 * virtual time, where these bounds are deterministic; wall-clock figures live in bench/.
 */
import { describe, expect, it } from 'vitest';
import { measureFailoverTimes } from '../../src/drill/failover-times.ts';
import { CONSUL_TIMINGS, LAB_TIMINGS } from '../../src/ha/index.ts';

describe('failover times under the timing profiles (virtual time)', () => {
  it('Consul defaults: 30–45 s after a crash, spread over the renewal cycle', async () => {
    const kill = await measureFailoverTimes(CONSUL_TIMINGS, 'kill', 10, 7);
    process.stdout.write(`consul kill: ${kill.join(', ')} ms\n`);
    for (const ms of kill) {
      expect(ms).toBeGreaterThanOrEqual(30_000);
      expect(ms).toBeLessThanOrEqual(45_000);
    }
    // Where the crash falls in the renewal cycle shows: not one fixed number.
    expect(Math.max(...kill) - Math.min(...kill)).toBeGreaterThan(1_000);
  }, 60_000);

  it('Consul defaults: under a second after step-down or seal, which release the lock (no lock-delay)', async () => {
    for (const kind of ['step-down', 'seal'] as const) {
      const r = await measureFailoverTimes(CONSUL_TIMINGS, kind, 5, 11);
      expect(Math.max(...r), kind).toBeLessThan(1_000);
    }
  }, 60_000);

  it('the lab profile: a crashed active is replaced within its 1 s lease', async () => {
    const kill = await measureFailoverTimes(LAB_TIMINGS, 'kill', 10, 3);
    for (const ms of kill) {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(LAB_TIMINGS.lockTtlMs);
    }
  }, 60_000);
});
