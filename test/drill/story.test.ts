/**
 * The story of a drill: built from a hand-made history it says, in order and at times
 * relative to the drill's start, who was active, what paused, whose lease ran out, who
 * took the lock with which term, and how many of the woken node's writes fencing refused;
 * end to end, a seeded zombie-leader drill tells the same story in its output and report.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/drill/drills.ts';
import type { HistoryEvent } from '../../src/drill/history.ts';
import { drillStory } from '../../src/drill/story.ts';

const T0 = 1_767_225_600_000;

/** The story of a hand-made history whose clients ran from T0 for `loadMs`, on one key. */
function storyOf(events: HistoryEvent[], startIndex: number, loadMs: number): string[] {
  return drillStory({ events, startIndex, startTime: T0, loadEnd: T0 + loadMs, keys: 1 });
}

/** A two-node cluster coming up at T0: node1 takes the lock (term 1) and becomes active, node2 stays standby. */
function clusterStart(): HistoryEvent[] {
  return [
    { t: T0, kind: 'state', node: 'node1', from: 'uninitialized', to: 'sealed' },
    { t: T0, kind: 'state', node: 'node2', from: 'uninitialized', to: 'sealed' },
    { t: T0, kind: 'lock', node: 'node1', event: 'acquired', term: 1 },
    { t: T0, kind: 'state', node: 'node1', from: 'sealed', to: 'standby' },
    { t: T0, kind: 'state', node: 'node2', from: 'sealed', to: 'standby' },
    { t: T0, kind: 'state', node: 'node1', from: 'standby', to: 'active' },
  ];
}

/** A zombie leader, by hand: node1 active with term 1 pauses, node2 takes over, node1 wakes and three of its writes are fenced. */
function zombieHistory(): { events: HistoryEvent[]; startIndex: number } {
  const start = clusterStart();
  const drill: HistoryEvent[] = [
    { t: T0 + 500, kind: 'lock', node: 'node1', event: 'renewed', term: 1 },
    { t: T0 + 1000, kind: 'fault', name: 'pause', target: 'node1', on: true },
    { t: T0 + 1672.76, kind: 'lock', node: 'node1', event: 'expired', term: 1 },
    { t: T0 + 1672.76, kind: 'lock', node: 'node2', event: 'acquired', term: 2 },
    { t: T0 + 1700, kind: 'state', node: 'node2', from: 'standby', to: 'active' },
    // On waking node1 first notices its lease is gone, then the fault is marked off: the story tells the wake-up first.
    { t: T0 + 3500, kind: 'state', node: 'node1', from: 'active', to: 'standby' },
    { t: T0 + 3500, kind: 'fault', name: 'pause', target: 'node1', on: false },
    ...[1, 2, 3].map((i): HistoryEvent => ({ t: T0 + 3500 + i, kind: 'fenced', key: `logical/x/versions/h/${i}`, term: 1 })),
  ];
  return { events: [...start, ...drill], startIndex: start.length };
}

describe('the story of a drill', () => {
  it('tells a hand-made zombie leader in plain words at relative times', () => {
    const { events, startIndex } = zombieHistory();
    expect(storyOf(events, startIndex, 5000)).toEqual([
      '0.00 s node1 active (term 1); node2 standby',
      '1.00 s node1 paused',
      "1.67 s node1's lease ran out",
      '1.67 s node2 took the lock (term 2)',
      '1.70 s node2 became active',
      '3.50 s node1 woke up',
      '3.50 s node1 stepped down to standby; 3 of its writes were refused by fencing',
      '5.00 s the clients stopped; in all they went 0.00 s without a successful answer',
    ]);
  });

  it('tells stale writes storage accepted as a split brain, with the key they went to', () => {
    const { events, startIndex } = zombieHistory();
    const unfenced = events.map((e): HistoryEvent => (e.kind === 'fenced' ? { t: e.t, kind: 'storageWrite', key: e.key, term: 1 } : e));
    const hash = '0b2d1f4d3d1e3f0e5a6d3bb2c0c0b5f7c5b7c1d1d2e8e3b1a9c6f2d4e5f6a7b8';
    unfenced.push({ t: T0 + 3600, kind: 'storageWrite', key: `logical/00000000-0000-0000-0000-000000000000/versions/${hash}/9`, term: 1 });
    const story = storyOf(unfenced, startIndex, 5000);
    expect(story).toContain(
      '3.50 s node1 stepped down to standby; 4 of its writes were accepted by storage from its old term 1: split brain',
    );
  });

  it('counts the time clients went without an answer and says when a paused node held their requests', () => {
    const { events, startIndex } = zombieHistory();
    const ops: HistoryEvent[] = [
      { t: T0 + 900, kind: 'invoke', op: 1, client: 0, node: 'node1', term: 1, type: 'put', key: 'k0', value: 'c0-0' },
      { t: T0 + 900, kind: 'ok', op: 1, version: 1 },
      { t: T0 + 1100, kind: 'invoke', op: 2, client: 0, node: 'node1', term: 1, type: 'put', key: 'k0', value: 'c0-1' },
      { t: T0 + 1600, kind: 'info', op: 2, status: 'timeout' },
      { t: T0 + 1750, kind: 'invoke', op: 3, client: 0, node: 'node2', term: 2, type: 'put', key: 'k0', value: 'c0-2' },
      { t: T0 + 1760, kind: 'ok', op: 3, version: 2 },
    ];
    // The operations go where they happened: between the pause (index +1 after start) and node2's state change.
    const merged = [
      ...events.slice(0, startIndex + 2),
      ...ops.slice(0, 4),
      ...events.slice(startIndex + 2, startIndex + 5),
      ...ops.slice(4),
      ...events.slice(startIndex + 5),
    ];
    const story = storyOf(merged, startIndex, 5000);
    expect(story).toContain('1.10 s clients stopped getting answers (requests sent to the paused node1 hang)');
    expect(story).toContain('1.76 s clients got answers again, after 0.66 s without one');
    expect(story.at(-1)).toBe('5.00 s the clients stopped; in all they went 0.66 s without a successful answer');
  });
});

/** Node1 killed at 1 s; three requests redirected there are refused; node2 takes over at 2 s; the next redirect reaches node2. */
function staleRedirectHistory(): { events: HistoryEvent[]; startIndex: number } {
  const start = clusterStart();
  const redirected = (op: number, t: number, to: string, refused: boolean): HistoryEvent[] => [
    { t, kind: 'invoke', op, client: 0, node: 'node3', term: 0, type: 'put', key: 'k0', value: `c0-${op}` },
    refused
      ? { t, kind: 'fail', op, status: 'ECONNREFUSED', redirect: { to, refused } }
      : { t: t + 1, kind: 'ok', op, version: 1, redirect: { to, refused } },
  ];
  const drill: HistoryEvent[] = [
    { t: T0 + 1000, kind: 'fault', name: 'kill', target: 'node1', on: true },
    { t: T0 + 1000, kind: 'state', node: 'node1', from: 'active', to: 'stopped' },
    ...redirected(1, T0 + 1010, 'node1', true),
    ...redirected(2, T0 + 1200, 'node1', true),
    ...redirected(3, T0 + 1500, 'node1', true),
    { t: T0 + 2000, kind: 'lock', node: 'node1', event: 'expired', term: 1 },
    { t: T0 + 2000, kind: 'lock', node: 'node2', event: 'acquired', term: 2 },
    { t: T0 + 2000, kind: 'state', node: 'node2', from: 'standby', to: 'active' },
    ...redirected(4, T0 + 2050, 'node2', false),
  ];
  return { events: [...start, ...drill], startIndex: start.length };
}

describe('the story of redirects to a dead node', () => {
  it('tells how many requests standbys sent on to the dead node, for how long, and whom they named next', () => {
    const { events, startIndex } = staleRedirectHistory();
    const story = storyOf(events, startIndex, 3000);
    expect(story.slice(1, 6)).toEqual([
      '1.00 s node1 was killed',
      '1.00 s node1 went down',
      '1.01 s clients stopped getting answers',
      '1.01 s 3 requests were redirected to node1 after it went down, for 0.49 s, until the standbys named node2',
      "2.00 s node1's lease ran out",
    ]);
  });

  it('tells a single one without a span, and no sentence when no redirect was refused', () => {
    const { events, startIndex } = staleRedirectHistory();
    const one = events.filter((e) => !('op' in e) || e.op === 1);
    expect(storyOf(one, startIndex, 3000)).toContain('1.01 s 1 request was redirected to node1 after it went down');
    const none = events.filter((e) => !('op' in e) || e.op === 4);
    expect(storyOf(none, startIndex, 3000).join('\n')).not.toContain('redirected');
  });
});

describe('the story of a drill behind a balancer', () => {
  it("tells the balancer's marks and the first redirect that looped back to it, with the count", () => {
    const start = clusterStart();
    const lb = 'http://127.0.0.1:8208';
    const looped = (op: number, t: number): HistoryEvent[] => [
      { t, kind: 'invoke', op, client: 0, node: 'balancer', term: 0, type: 'get', key: 'k0' },
      { t: t + 2, kind: 'fail', op, status: 307, redirect: { to: `${lb}/v1/secret/data/k0`, refused: false, loop: true } },
    ];
    const drill: HistoryEvent[] = [
      { t: T0 + 300, kind: 'balancer', node: 'node2', to: 'down', check: 'L7STS 503' },
      ...looped(1, T0 + 400),
      ...looped(2, T0 + 450),
      { t: T0 + 900, kind: 'balancer', node: 'node2', to: 'up', check: 'L7OK 200' },
    ];
    expect(storyOf([...start, ...drill], start.length, 1000).filter((l) => l.includes('balancer'))).toEqual([
      '0.30 s the balancer took node2 out of rotation (L7STS 503)',
      `0.40 s a standby's 307 sent a client back to the address it had asked (${lb}): every node advertises the balancer as its api_addr, so following the redirect starts the request over (the redirect loop); 2 redirect(s) looped`,
      '0.90 s the balancer put node2 in rotation (L7OK 200)',
    ]);
  });
});

describe('the story of a real drill', () => {
  it('tells the stale redirects of a seeded stale-redirect drill', async () => {
    const r = await runScenario('stale-redirect', { seed: 1 });
    const told = r.story.filter((l) => /redirected to/.test(l));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(
      /^1\.\d\d s \d+ requests were redirected to node1 after it went down, for 0\.\d\d s, until the standbys named node[23]$/,
    );
  });

  it('is printed in order for a seeded zombie-leader drill and saved in drill.md and drill.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vaultlab-story-'));
    try {
      const r = await runScenario('zombie-leader', { seed: 1, reportDir: dir });
      const expected = [
        /^0\.00 s node1 active \(term 1\); node2, node3 standby$/,
        /^1\.00 s node1 paused$/,
        /^1\.\d\d s node1's lease ran out$/,
        /^1\.\d\d s node2 took the lock \(term 2\)$/,
        /^3\.50 s node1 woke up$/,
        /^3\.50 s node1 .*; \d+ of its writes were refused by fencing$/,
      ];
      let at = -1;
      for (const line of expected) {
        const next = r.story.findIndex((l, i) => i > at && line.test(l));
        expect(next, `${line} after line ${at} of:\n${r.story.join('\n')}`).toBeGreaterThan(at);
        at = next;
      }
      const md = await readFile(join(dir, 'drill.md'), 'utf8');
      expect(md).toContain('## What happened');
      expect(md).toContain('- 1.00 s node1 paused');
      const json = JSON.parse(await readFile(join(dir, 'drill.json'), 'utf8'));
      expect(json.story).toEqual(r.story);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
