/**
 * What watching costs the lab: KV reads against the active of a `vaultlab up` lab (its own
 * process), from the load generator (its own process), in rounds that alternate between no
 * dashboard and one page's worth of watcher (the event stream read to its end, as the page
 * reads it). Reported as the median of each and their ratio within one run.
 * With no watcher the lab builds no stream event and counts no request (its tally hook returns
 * on a boolean), so the unwatched rounds are the lab as it runs without a dashboard.
 *
 * With --baseline DIR (a built checkout of an earlier commit, before the dashboard), a third
 * lab from there runs in the same rounds: the unwatched lab against the lab without the
 * dashboard's code at all.
 *
 *   node --import tsx bench/dashboard-overhead.ts [--rounds 5] [--seconds 3] [--baseline DIR]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endChildrenOnExit, spawnNode } from './children.ts';
import { startLoad } from './processes.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const rounds = arg('--rounds', 5);
const seconds = arg('--seconds', 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One `vaultlab up` (from `checkout`: this one, or another commit's built checkout) and its active node. */
interface Lab {
  control: string;
  active: string;
  token: string;
  auth: Record<string, string>;
  stop(): void;
  home: string;
}

async function startLab(checkout: string): Promise<Lab> {
  const home = mkdtempSync(join(tmpdir(), 'vaultlab-dash-bench-'));
  const child = spawnNode([join(checkout, 'bin/vaultlab.js'), 'up', '--storage', 'memory', '--base-port', '0'], {
    env: { ...process.env, VAULTLAB_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => (out += d) && /Ctrl-C stops the lab/.test(out) && resolve());
    child.on('exit', (c) => reject(new Error(`vaultlab up exited ${c}: ${out}`)));
  });
  const file = JSON.parse(readFileSync(join(home, 'lab.json'), 'utf8')) as { control: string };
  const token = (JSON.parse(readFileSync(join(home, 'init.json'), 'utf8')) as { root_token: string }).root_token;
  const auth = { authorization: `Bearer ${readFileSync(join(home, 'control.secret'), 'utf8').trim()}` };
  const status = (await (await fetch(`${file.control}/status`, { headers: auth })).json()) as {
    result: { nodes: { ha_mode: string; api_address: string }[] };
  };
  const active = status.result.nodes.find((n) => n.ha_mode === 'active')!.api_address;
  await fetch(`${active}/v1/secret/data/bench`, { method: 'POST', headers: { 'x-vault-token': token }, body: '{"data":{"v":"1"}}' });
  return { control: file.control, active, token, auth, home, stop: () => child.kill('SIGINT') };
}

endChildrenOnExit();
const baselineAt = process.argv.indexOf('--baseline');
const head = await startLab('.');
const baseline = baselineAt < 0 ? undefined : await startLab(process.argv[baselineAt + 1]);
const load = await startLoad();
const job = (lab: Lab) => ({
  tool: 'autocannon' as const,
  origin: lab.active,
  path: '/v1/secret/data/bench',
  method: 'GET' as const,
  headers: { 'x-vault-token': lab.token },
  connections: 10,
  durationSec: seconds,
  followRedirect: false,
});
const unwatched: number[] = [];
const watched: number[] = [];
const before: number[] = [];
let messages = 0;
for (const lab of [head, baseline]) if (lab) await load.run({ ...job(lab), durationSec: 1 }); // warm-up
const variants = ['unwatched', 'watched', ...(baseline ? ['baseline'] : [])] as const;
for (let r = 0; r < rounds; r++) {
  for (const variant of variants) {
    const watch = variant === 'watched';
    const lab = variant === 'baseline' ? baseline! : head;
    const stop = new AbortController();
    if (watch) {
      const res = await fetch(`${head.control}/events`, { headers: head.auth, signal: stop.signal });
      void (async () => {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
          messages += Buffer.from(chunk).toString().split('\n\n').length - 1;
      })().catch(() => undefined);
    }
    const result = await load.run(job(lab));
    stop.abort();
    const samples: Record<(typeof variants)[number], number[]> = { unwatched, watched, baseline: before };
    samples[variant].push(Math.round(result.reqPerSec));
    process.stderr.write(`round ${r + 1}/${rounds} ${variant.padEnd(9)}: ${Math.round(result.reqPerSec)} req/s\n`);
  }
}
load.stop();
for (const lab of [head, baseline]) lab?.stop();
const ratio = median(watched.map((w, i) => w / unwatched[i]));
const baselineRatio = baseline ? median(unwatched.map((u, i) => u / before[i])) : undefined;
const report = {
  case: 'KV v2 read of one key at the active, c10, memory storage, 3-node lab',
  seconds,
  rounds,
  unwatched,
  watched,
  medians: { unwatched: median(unwatched), watched: median(watched), ...(baseline ? { baseline: median(before) } : {}) },
  watchedOverUnwatched: Math.round(ratio * 1000) / 1000,
  ...(baseline
    ? {
        baselineCommit: execFileSync('git', ['-C', process.argv[baselineAt + 1], 'rev-parse', '--short', 'HEAD'], {
          encoding: 'utf8',
        }).trim(),
        headCommit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
        baseline: before,
        unwatchedOverBaseline: Math.round(baselineRatio! * 1000) / 1000,
      }
    : {}),
  streamMessages: messages,
};
writeFileSync('bench/results/dashboard/overhead.json', `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
for (const lab of [head, baseline]) if (lab) rmSync(lab.home, { recursive: true, force: true });
