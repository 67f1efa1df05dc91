/**
 * The bench's workloads: keys are picked over a stated key space (uniform, or a Zipf hot set
 * scattered over the key names), and one repetition interleaves the storages case by case
 * (A B, then B A), so each level ÷ memory pair is measured back to back.
 */
import { describe, expect, it } from 'vitest';
import { CASES, keySpacesOf } from '../../bench/cases.ts';
import { keyPicker, pathWithKey } from '../../bench/key-picker.ts';
import { READ_CACHE, READ_KEYS, TRANSIT_KEY, WRITE_KEYS } from '../../bench/key-spaces.ts';
import { repetition } from '../../bench/schedule.ts';
import type { ServerReady } from '../../bench/server-process.ts';

/** A seeded generator (mulberry32), so the counts below are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function counts(next: () => number, draws: number): Map<number, number> {
  const seen = new Map<number, number>();
  for (let i = 0; i < draws; i++) {
    const k = next();
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return seen;
}

const READY: ServerReady = { type: 'ready', baseline: 'http://b', active: 'http://a', standby: 'http://s', token: 't' };

describe('key picking', () => {
  it('uniform: every key of the space, none outside it, none much hotter than another', () => {
    const seen = counts(keyPicker({ distribution: 'uniform', count: 100 }, seeded(1)), 100_000);
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Math.max(...seen.values()) / Math.min(...seen.values())).toBeLessThan(1.3);
  });

  it('Zipf: a hot set (the hottest key drawn ~ 1/H(n) of the time), not the first key names, all within the space', () => {
    const n = 10_000;
    const seen = counts(keyPicker({ distribution: 'zipf', count: n, s: 0.99 }, seeded(2)), 200_000);
    const sorted = [...seen.entries()].sort((a, b) => b[1] - a[1]);
    // With s near 1 the top rank takes about 1 / ln(n) ≈ 10 % of the draws; uniform would give each key 0.01 %.
    expect(sorted[0][1] / 200_000).toBeGreaterThan(0.08);
    expect(sorted[0][1] / 200_000).toBeLessThan(0.14);
    expect(sorted.slice(0, 10).map(([k]) => k)).not.toEqual(Array.from({ length: 10 }, (_, i) => i));
    for (const k of seen.keys()) expect(k >= 0 && k < n && Number.isInteger(k)).toBe(true);
  });

  it('puts the key in the path, and refuses an empty key space', () => {
    let i = 0;
    expect(pathWithKey('/v1/secret/data/ws{key}', () => i++)).toBe('/v1/secret/data/ws0');
    expect(pathWithKey('/hello', undefined)).toBe('/hello');
    expect(() => keyPicker({ distribution: 'uniform', count: 0 })).toThrow(/at least one key/);
  });
});

describe('the cases', () => {
  it('uniform reads cover twice the secrets the read cache holds, so they cannot all hit', () => {
    expect(READ_KEYS.small.count).toBe(2 * READ_CACHE.secrets);
    const job = CASES.find((c) => c.name === 'read-uniform')!.job(READY, 10, 1);
    expect(job.keys).toEqual({ distribution: 'uniform', count: 10_000 });
    expect(job.path).toBe('/v1/secret/data/r{key}');
  });

  it('writes spread over 1,000 secrets by their path (not one key with a changing body), at 100 B, 10 KB and 1 MB', () => {
    const write = CASES.find((c) => c.name === 'write')!.job(READY, 10, 1);
    expect(write.path).toBe('/v1/secret/data/ws{key}');
    expect(write.keys?.count).toBeGreaterThanOrEqual(1000);
    expect(write.body).not.toContain('{i}');
    for (const [name, bytes] of [
      ['write', 100],
      ['write-10kb', 10 * 1024],
      ['write-1mb', 1024 * 1024],
    ] as const)
      expect(JSON.parse(CASES.find((c) => c.name === name)!.job(READY, 10, 1).body!).data.value).toHaveLength(bytes);
  });

  it('transit encrypt runs beside the KV write, on the same server, at the same connection counts, with 100 B plaintexts', () => {
    const transit = CASES.find((c) => c.name === 'transit-encrypt')!;
    const write = CASES.find((c) => c.name === 'write')!;
    expect([transit.server, transit.connections]).toEqual([write.server, write.connections]);
    const job = transit.job(READY, 10, 1);
    expect([job.method, job.path, job.keys]).toEqual(['POST', '/v1/transit/encrypt/bench-key', undefined]);
    expect(Buffer.from(JSON.parse(job.body!).plaintext, 'base64')).toHaveLength(100);
    expect(keySpacesOf('node', CASES)).toContainEqual(TRANSIT_KEY);
  });

  it('each server preloads the key spaces of its own cases', () => {
    expect(keySpacesOf('uncached', CASES)).toEqual([READ_KEYS.small]);
    expect(keySpacesOf('synced', CASES)).toEqual([WRITE_KEYS.small]);
    expect(keySpacesOf('node', CASES)).toEqual(expect.arrayContaining([READ_KEYS.small, READ_KEYS.large, WRITE_KEYS.medium]));
  });
});

describe('one repetition', () => {
  const storages = ['memory', 'level'] as const;

  it('measures each case on memory and level back to back, A B then B A the next repetition', () => {
    for (const rep of [0, 1, 2]) {
      const slots = repetition(CASES, storages, rep);
      for (const [i, slot] of slots.entries()) {
        if (slot.case.storages) continue; // level only: no memory side to pair with
        const pair = slot.storage === (rep % 2 ? 'level' : 'memory') ? slots[i + 1] : slots[i - 1];
        expect(pair, `${slot.case.name} c${slot.connections} rep ${rep}`).toMatchObject({ case: slot.case, connections: slot.connections });
        expect(pair.storage).not.toBe(slot.storage);
      }
      expect(slots[0].storage).toBe(rep % 2 ? 'level' : 'memory');
    }
  });

  it('rotates the case order, measures every case at its own connection counts, and a level-only case on level only', () => {
    const first = repetition(CASES, storages, 0);
    const second = repetition(CASES, storages, 1);
    expect(first[0].case.name).not.toBe(second[0].case.name);
    const at = (name: string) => new Set(first.filter((s) => s.case.name === name).map((s) => `${s.storage} c${s.connections}`));
    expect(at('read-zipf')).toEqual(new Set(['memory c1', 'level c1', 'memory c10', 'level c10']));
    expect(at('read-uniform')).toEqual(new Set(['memory c10', 'level c10']));
    expect(at('write-synced')).toEqual(new Set(['level c1', 'level c10']));
    expect(repetition(CASES, storages, 0, [10]).every((s) => s.connections === 10)).toBe(true);
  });

  it('measures each case with the API TLS off and on back to back, the order swapped the next repetition', () => {
    for (const rep of [0, 1]) {
      const slots = repetition(CASES, storages, rep, undefined, ['off', 'on']);
      expect(slots).toHaveLength(2 * repetition(CASES, storages, rep).length);
      for (let i = 0; i < slots.length; i += 2) {
        const [a, b] = [slots[i], slots[i + 1]];
        expect(b).toMatchObject({ case: a.case, storage: a.storage, connections: a.connections });
        expect([a.apiTls, b.apiTls]).toEqual(rep % 2 ? ['on', 'off'] : ['off', 'on']);
      }
    }
    expect(repetition(CASES, storages, 0).every((s) => s.apiTls === 'off')).toBe(true);
  });
});
