/** The pure parts of `vaultlab up`'s checks: Go durations, the port plan, and the timings the lock flags make. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  balancerPort,
  checkUpFlags,
  controlPort,
  nodeApiPort,
  nodeClusterPort,
  parseGoDuration,
  type UpFlags,
} from '../../src/lab/index.ts';
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
      expect(ports).not.toContain(balancerPort(8200));
      expect(new Set(ports).size).toBe(ports.length);
    }
    expect(controlPort(8200)).toBe(8209);
    expect(controlPort(0)).toBe(0);
    expect(balancerPort(8200)).toBe(8208);
    expect(balancerPort(0)).toBe(0);
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

describe('up --topology', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vaultlab-topology-flag-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a preset by name, and no flag means no topology', () => {
    expect(checkUpFlags({ ...flags, topology: 'three-zones' }).topology?.zones).toEqual(['z1', 'z2', 'z3']);
    expect(checkUpFlags({ ...flags, topology: 'local' }).topology?.name).toBe('local');
    expect(checkUpFlags(flags).topology).toBeUndefined();
  });

  it('takes a topology file, HCL or JSON', () => {
    const file = join(dir, 'far.json');
    writeFileSync(file, JSON.stringify({ topology: { zones: { a: { latency: '1ms' } }, clients: { latency: '20ms' } } }));
    const t = checkUpFlags({ ...flags, topology: file }).topology!;
    expect(t.name).toBe('far');
    expect(t.clients).toEqual({ a: { latencyMs: 20, jitterMs: 0 } });
    expect(checkUpFlags({ ...flags, topology: 'docs/topology-example.hcl' }).topology?.name).toBe('two-zones-example');
  });

  it('refuses an unknown preset or a missing file, naming the flag, the value and the presets', () => {
    expect(() => checkUpFlags({ ...flags, topology: 'two-zones' })).toThrow(
      '--topology must be local, one-zone, three-zones or a topology file (JSON or HCL), not "two-zones" (no such preset or file)',
    );
    expect(() => checkUpFlags({ ...flags, topology: dir })).toThrow(`not ${JSON.stringify(dir)} (a directory)`);
  });

  it('refuses a file with a bad field, naming the field', () => {
    const file = join(dir, 'bad.hcl');
    writeFileSync(file, 'topology {\n  zones {\n    z1 { latency = "fast" }\n  }\n  clients { latency = "1ms" }\n}\n');
    expect(() => checkUpFlags({ ...flags, topology: file })).toThrow(
      /^--topology ".*bad\.hcl" is not a valid topology file:\ntopology\.zones\.z1\.latency/,
    );
  });
});

describe('the balancer flags', () => {
  it('no --lb: no balancer', () => {
    expect(checkUpFlags(flags).balancer).toBeUndefined();
  });

  it.each([
    [true, 'builtin', 'active'],
    ['active', 'builtin', 'active'],
    ['standby-ok', 'builtin', 'standby-ok'],
    ['haproxy', 'haproxy', 'active'],
    ['haproxy,standby-ok', 'haproxy', 'standby-ok'],
    ['standby-ok, builtin', 'builtin', 'standby-ok'],
  ] as const)("--lb %j: %s, %s, with HAProxy's default check", (lb, kind, mode) => {
    expect(checkUpFlags({ ...flags, lb })).toEqual(
      expect.objectContaining({ balancer: { kind, mode, check: { interMs: 2000, fall: 3, rise: 2, timeoutMs: 2000 }, advertise: false } }),
    );
  });

  it('takes inter, fall, rise and --api-addr lb', () => {
    const b = checkUpFlags({ ...flags, lb: true, lbInter: '250ms', lbFall: '2', lbRise: '1', apiAddr: 'lb' }).balancer;
    expect(b).toEqual({ kind: 'builtin', mode: 'active', check: { interMs: 250, fall: 2, rise: 1, timeoutMs: 2000 }, advertise: true });
  });

  it.each([
    [
      { lb: 'passive' },
      '--lb must be active or standby-ok, optionally with builtin or haproxy (e.g. --lb haproxy,standby-ok), not "passive"',
    ],
    [
      { lb: 'active,standby-ok' },
      '--lb must be active or standby-ok, optionally with builtin or haproxy (e.g. --lb haproxy,standby-ok), not "active,standby-ok"',
    ],
    [{ lb: 'haproxy,haproxy' }, 'not "haproxy,haproxy"'],
    [{ lb: true, lbInter: '5' }, '--lb-inter must be a duration from 10ms to 1m, such as 1s, 500ms or 15s, not "5"'],
    [{ lb: true, lbFall: '0' }, '--lb-fall must be a whole number from 1 to 100, not "0"'],
    [{ lb: true, lbRise: 'two' }, '--lb-rise must be a whole number from 1 to 100, not "two"'],
    [{ lb: true, apiAddr: 'node' }, '--api-addr must be lb (every node advertises the balancer), not "node"'],
    [{ lbInter: '1s' }, "--lb-inter sets the balancer's check: it needs --lb"],
    [{ lbRise: '3' }, "--lb-rise sets the balancer's check: it needs --lb"],
    [{ apiAddr: 'lb' }, '--api-addr lb makes every node advertise the balancer: it needs --lb'],
  ] as [Partial<UpFlags>, string][])('refuses %j', (more, message) => {
    expect(() => checkUpFlags({ ...flags, ...more })).toThrow(message);
  });
});

describe('up --processes', () => {
  it('runs on etcd by default, on level with one node, and takes an etcd by its URLs', () => {
    const plain = { ...flags, storage: undefined };
    expect(checkUpFlags(plain)).toMatchObject({ storage: 'level', processes: false, etcdUrls: undefined });
    expect(checkUpFlags({ ...plain, processes: true })).toMatchObject({ storage: 'etcd', processes: true, etcdUrls: undefined });
    expect(checkUpFlags({ ...plain, processes: true, storage: 'level', nodes: '1' })).toMatchObject({ storage: 'level', nodes: 1 });
    expect(checkUpFlags({ ...plain, processes: true, etcd: 'http://127.0.0.1:2379, http://127.0.0.2:2379/' }).etcdUrls).toEqual([
      'http://127.0.0.1:2379',
      'http://127.0.0.2:2379',
    ]);
  });

  it.each([
    [
      { storage: 'level' },
      /--storage level opens in one process only \(LevelDB locks its directory\), so a process lab on it has one node, not 3/,
    ],
    [{ storage: 'memory' }, /--storage memory lives inside one process/],
    [{ etcd: '127.0.0.1:2379' }, /--etcd must be client URLs such as http:\/\/127\.0\.0\.1:2379, comma-separated, not "127\.0\.0\.1:2379"/],
    [{ storage: 'level', nodes: '1', etcd: 'http://127.0.0.1:2379' }, /--etcd names an etcd cluster: it needs --storage etcd/],
    [{ topology: 'three-zones' }, /--processes does not combine with --topology yet/],
    [{ lb: true as const }, /--processes does not combine with --lb yet/],
  ])('refuses %j with --processes', (extra, message) => {
    expect(() => checkUpFlags({ ...flags, storage: undefined, processes: true, ...extra })).toThrow(message);
  });

  it.each([
    [{ storage: 'etcd' }, /--storage etcd runs each node as its own process: add --processes/],
    [{ etcd: 'http://127.0.0.1:2379' }, /--etcd names the etcd of a process lab: add --processes/],
    [{ storage: 'disk' }, /--storage must be level, memory or etcd, not "disk"/],
  ])('refuses %j without it', (extra, message) => {
    expect(() => checkUpFlags({ ...flags, ...extra })).toThrow(message);
  });
});
