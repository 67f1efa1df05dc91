/**
 * `vaultlab drill` as a new user meets it: alone it lists the scenarios and how to play
 * one; a drill prints its story; `drill ./my-drill.json` (or .ts) plays the user's file, and
 * a bad file exits 1 with one line per bad field and runs nothing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/run-cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vaultlab-drill-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const myDrill = {
  name: 'pause-the-active',
  description: 'The active freezes for 2.5 s, longer than its lease.',
  steps: [
    { do: 'load', clients: 6 },
    { do: 'wait', ms: '1s' },
    { do: 'fault', kind: 'pause', target: 'active', forMs: '2.5s' },
    { do: 'wait', ms: '4s' },
    { do: 'expect', that: { newTerms: 1 } },
  ],
};

describe('vaultlab drill', () => {
  it('alone, lists every scenario on one line each with the usage, and exits 0', async () => {
    const r = await runCli(['drill']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: vaultlab drill NAME\|FILE/);
    expect(r.stdout).toMatch(/^ {2}kill-active +the active dies holding its lock/m);
    expect(r.stdout).toMatch(/^ {2}zombie-leader-unfenced +\S/m);
    expect(r.stdout).toMatch(/^ {2}stale-redirect +the active dies; standbys 307 clients to it/m);
    expect(r.stdout).toMatch(/^ {2}lb-failover +the active dies behind a load balancer/m);
    expect(r.stdout.match(/^ {2}[a-z-]+ {2,}\S/gm)).toHaveLength(18);
    expect(r.stdout).toContain('vaultlab drill ./my-drill.json');
  });

  it('prints the story of a drill at relative times', async () => {
    const r = await runCli(['drill', 'kill-active']);
    expect(r.code, r.stderr).toBe(0);
    const story = r.stdout.slice(r.stdout.indexOf('What happened:'));
    expect(story).toMatch(/0\.00 s node1 active \(term 1\)[\s\S]*1\.00 s node1 was killed[\s\S]*node2 took the lock \(term 2\)/);
  });

  it('plays a JSON file in the shape of scenarios/', async () => {
    const file = join(dir, 'my-drill.json');
    await writeFile(file, JSON.stringify(myDrill));
    const r = await runCli(['drill', file, '--seed', '3']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^pause-the-active \(seed 3\): no violations/);
    expect(r.stdout).toMatch(/ok {3}leadership changes hands 1 time\(s\)/);
    expect(r.stdout).toMatch(/node1 woke up/);
  });

  it('plays a .ts file whose default export is a scenario', async () => {
    const file = join(dir, 'my-drill.ts');
    await writeFile(
      file,
      `const steps = ${JSON.stringify(myDrill.steps)} as const;\nexport default { ...${JSON.stringify(myDrill)}, name: 'from-ts', steps };\n`,
    );
    const r = await runCli(['drill', file]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^from-ts \(seed 1\): no violations/);
  });

  it('refuses a bad file with one line per bad field, exit 1, and runs nothing', async () => {
    const file = join(dir, 'bad.json');
    const report = join(dir, 'report');
    await writeFile(
      file,
      JSON.stringify({
        ...myDrill,
        steps: [
          { do: 'load', clients: 2 },
          { do: 'wait', ms: '1 sec' },
          { do: 'fault', kind: 'pause', target: 'node9' },
        ],
      }),
    );
    const r = await runCli(['drill', file, '--report', report]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('steps[1].ms: must be a duration like "2s" or "500ms" (or a number of ms)');
    expect(r.stderr).toContain('steps[2].target: must be one of active, standby, node1, node2, node3 for pause');
    expect(existsSync(report)).toBe(false);
    const missing = await runCli(['drill', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.json: no such file');
  });

  it('--topology plays a scenario on a network, says which, and refuses a bad one before anything runs', async () => {
    const r = await runCli(['drill', 'kill-active', '--topology', 'three-zones']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      '  network: topology three-zones: zones z1, z2, z3; one-way latency 0.1 ms inside a zone, 0.5–1 ms between zones, 10 ms to clients; storage in z1',
    );
    const bad = await runCli(['drill', 'kill-active', '--topology', 'mars']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('--topology must be local, one-zone, three-zones or a topology file (JSON or HCL), not "mars"');
    const random = await runCli(['drill', '--random', '2', '--topology', 'one-zone']);
    expect(random.code).toBe(1);
    expect(random.stderr).toContain('--topology goes with a scenario, not --random');
  });

  it('--watch serves the dashboard on a real-time drill and waits for it; without --real-time it is refused', async () => {
    const drill = startCli(['drill', 'kill-active', '--real-time', '--watch'], /starts once the dashboard is open/, {}, dir);
    const { hello, reading } = await followWatchedDrill(await drill.up);
    // The first message shows the drill's cluster as the watcher found it: not yet initialized, nothing played.
    expect(hello.status.nodes.map((n: { ha_mode: string }) => n.ha_mode)).toEqual(['uninitialized', 'uninitialized', 'uninitialized']);
    expect(hello.timeline.filter((e: { type: string }) => e.type === 'init')).toEqual([]);
    expect(await drill.exited).toBe(0);
    await reading;
    expect(drill.output().stdout).toContain('kill-active (seed 1): no violations');

    const bad = await runCli(['drill', 'kill-active', '--watch']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('--watch goes with --real-time or --processes: a virtual-time drill is over in a moment');
  });

  it("--watch with --processes serves the dashboard on the drill's node processes, set up, and waits for it", async () => {
    const drill = startCli(['drill', 'kill-active', '--processes', '--watch'], /starts once the dashboard is open/, {}, dir);
    const { hello, reading } = await followWatchedDrill(await drill.up);
    // The watcher finds the drill's lab unsealed with one active, each node its own process, etcd's three members healthy.
    expect(hello.status.nodes.map((n: { ha_mode: string }) => n.ha_mode).sort()).toEqual(['active', 'standby', 'standby']);
    expect(hello.status.processes.nodes.map((p: { state: string }) => p.state)).toEqual(['running', 'running', 'running']);
    expect(hello.status.processes.etcd.map((m: { healthy: boolean }) => m.healthy)).toEqual([true, true, true]);
    expect(await drill.exited).toBe(0);
    await reading;
    expect(drill.output().stdout).toContain('kill-active (seed 1): no violations');
  });
});

/**
 * Follows the event stream of a drill started with --watch, from the address it printed: the
 * first message, and the rest read to the end (the stream ends when the drill does).
 */
async function followWatchedDrill(printed: string): Promise<{ hello: any; reading: Promise<void> }> {
  const url = new URL(/Dashboard: (\S+)/.exec(printed)![1]);
  const secret = new URLSearchParams(url.hash.slice(1)).get('secret')!;
  const stream = await fetch(`${url.origin}/events`, { headers: { authorization: `Bearer ${secret}` } });
  expect(stream.status).toBe(200);
  const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!/event: hello\ndata: .*\n\n/.test(text)) text += (await reader.read()).value ?? '';
  const hello = JSON.parse(/event: hello\ndata: (.*)\n\n/.exec(text)![1]);
  const reading = (async () => {
    while (!(await reader.read().catch(() => ({ done: true }))).done);
  })();
  return { hello, reading };
}
