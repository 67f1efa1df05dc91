/** The pure parts of `vaultlab up`'s checks: Go durations, the port plan, and the timings the lock flags make. */
import { describe, expect, it } from 'vitest';
import { checkUpFlags, controlPort, nodeApiPort, nodeClusterPort, parseGoDuration } from '../../src/lab/index.ts';
import { CONSUL_TIMINGS, LAB_TIMINGS } from '../../src/ha/index.ts';

const flags = { nodes: '3', storage: 'memory', basePort: '0', timings: 'lab' };

describe('Go durations', () => {
  it.each([
    ['1s', 1000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['250us', 0.25],
  ])('%s is %d ms', (text, ms) => expect(parseGoDuration(text)).toBe(ms));

  it.each(['', '3', 's', '1 s', '-1s', '1x', '1s2', '.s', '1e3ms'])('%j is not a duration', (text) =>
    expect(parseGoDuration(text)).toBeUndefined(),
  );
});

describe('the port plan', () => {
  it('puts no node API or cluster port on the control port, for every lab size', () => {
    for (let nodes = 1; nodes <= 9; nodes++) {
      const ports = Array.from({ length: nodes }, (_, i) => [nodeApiPort(8200, i), nodeClusterPort(8200, i)]).flat();
      expect(ports).not.toContain(controlPort(8200));
      expect(new Set(ports).size).toBe(ports.length);
    }
    expect(controlPort(8200)).toBe(8209);
    expect(controlPort(0)).toBe(0);
  });
});

describe('the lock flags', () => {
  it('keep the profile when absent, and override its lock TTL and renewal (TTL/3 by default) when given', () => {
    expect(checkUpFlags(flags).timings).toEqual(LAB_TIMINGS);
    expect(checkUpFlags({ ...flags, lockTtl: '3s' }).timings).toMatchObject({ lockTtlMs: 3000, renewIntervalMs: 1000 });
    expect(checkUpFlags({ ...flags, lockTtl: '3s', renewInterval: '500ms' }).timings).toMatchObject({
      lockTtlMs: 3000,
      renewIntervalMs: 500,
    });
    // Consul keeps a session up to twice its TTL: the proportion follows the new TTL.
    const consul = checkUpFlags({ ...flags, timings: 'consul', lockTtl: '5s' }).timings;
    expect(consul).toMatchObject({ lockTtlMs: 5000, sessionExpiryMs: 10_000, lockDelayMs: CONSUL_TIMINGS.lockDelayMs });
  });

  it('refuse a base port that would push the last node past 65535', () => {
    expect(() => checkUpFlags({ ...flags, nodes: '9', basePort: '65500' })).toThrow(
      '--base-port must be 0 (any free ports) or a port from 1024 to 65454',
    );
    expect(checkUpFlags({ ...flags, nodes: '9', basePort: '65454' }).basePort).toBe(65454);
  });
});
