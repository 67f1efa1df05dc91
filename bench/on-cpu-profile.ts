/**
 * Where a case's server CPU goes, from on-CPU samples (Linux perf), not from V8's --cpu-prof:
 * --cpu-prof charges time a thread spends waiting to the native call it waits in, so a write
 * looked as if `randomFillSync` cost 25 µs (it costs about 1 µs). perf samples only what runs.
 * The server runs with --perf-basic-prof, so JIT frames carry their source file; perf attaches
 * after the preload and a warm-up, for the measured window only.
 * At 10 connections by default; at 1 (`--connections=1`) the profile is of one request at a time, where a
 * forwarded read's added latency is the extra work on the one event loop all three nodes share.
 *   node --import tsx bench/on-cpu-profile.ts [--cases=read-uniform,write] [--storage=memory] [--connections=10] [--seconds=8] [--out=DIR]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, keySpacesOf, SERVER_KINDS, type BenchCase } from './cases.ts';
import { endChildrenOnExit, spawnTracked } from './children.ts';
import { attributeStacks, parsePerfReport, parsePerfScript, type PerfRow, type Stack } from './cpu-categories.ts';
import { startLoad, startServer, type LoadProc } from './processes.ts';

interface CaseProfile {
  name: string;
  what: string;
  storage: 'memory' | 'level';
  connections: number;
  cpuUsPerReq: number;
  reqPerSec: number;
  categories: Array<{ category: string; percent: number }>;
  top: PerfRow[];
}

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs perf on a data file; its standard output. */
function perfOutput(args: string[]): string {
  const r = spawnSync('perf', args, { encoding: 'utf8', maxBuffer: 512 << 20 });
  if (r.status !== 0) throw new Error(`perf ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

/** Samples one process for as long as `during` runs; its flat self-time rows and its stacks. */
async function sampleWhile(pid: number, dataFile: string, during: () => Promise<void>): Promise<{ rows: PerfRow[]; stacks: Stack[] }> {
  const perf = spawnTracked('perf', ['record', '-e', 'cpu-clock', '-F', '999', '-g', '-p', String(pid), '-o', dataFile], {
    stdio: 'ignore',
  });
  const exited = new Promise<string>((r) => perf.once('exit', (code, signal) => r(signal ?? String(code))));
  await pause(500); // perf has no "attached" signal; half a second is far more than it needs
  await during();
  perf.kill('SIGINT');
  // perf writes its data on SIGINT and then ends by that same signal.
  const how = await exited;
  if (how !== '0' && how !== 'SIGINT') throw new Error(`perf record ended with ${how}: is perf installed and perf_event_paranoid ≤ 2?`);
  const flat = perfOutput(['report', '-i', dataFile, '--no-children', '--sort', 'dso,sym', '-g', 'none', '--stdio', '--field-separator=|']);
  return { rows: parsePerfReport(flat), stacks: parsePerfScript(perfOutput(['script', '-i', dataFile, '-F', 'ip,sym,dso'])) };
}

/** Where one case is profiled: its storage, connections and seconds. */
interface ProfileRun {
  storage: 'memory' | 'level';
  connections: number;
  seconds: number;
}

async function profileCase(c: BenchCase, { storage, connections, seconds }: ProfileRun, load: LoadProc, dir: string): Promise<CaseProfile> {
  const spec = { storage, ...SERVER_KINDS[c.server], apiTls: false, portBase: 0, preload: keySpacesOf(c.server, [c]) };
  const server = await startServer(
    { ...spec, nodeFlags: ['--perf-basic-prof', '--interpreted-frames-native-stack', '--no-compact-code-space'] },
    `the ${c.name} server`,
  );
  try {
    const job = (s: number) => c.job(server.ready, connections, s);
    await load.run(job(2)); // warm-up: JIT and connection pools, outside the samples
    let requests = 0;
    let cpu = 0;
    const { rows, stacks } = await sampleWhile(server.pid, join(dir, `${c.name}.perf.data`), async () => {
      const before = await server.stats();
      const r = await load.run(job(seconds));
      const after = await server.stats();
      requests = r.requests;
      cpu = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
    });
    const reqPerSec = requests / seconds;
    return {
      name: c.name,
      what: c.what,
      storage,
      connections,
      cpuUsPerReq: cpu / requests,
      reqPerSec,
      categories: attributeStacks(stacks),
      top: rows.slice(0, 15),
    };
  } finally {
    await server.stop();
    rmSync(`/tmp/perf-${server.pid}.map`, { force: true });
  }
}

/** The profiles as Markdown: per case, its categories and its hottest symbols. */
export function profilesMarkdown(profiles: CaseProfile[]): string {
  const pct = (x: number) => `${x.toFixed(1)} %`;
  const parts = profiles.map((p) =>
    [
      `## ${p.name} (${p.storage}, c${p.connections}): ${p.what}`,
      '',
      `${p.cpuUsPerReq.toFixed(0)} µs of server CPU per request while sampled (perf's own cost included).`,
      '',
      '| where | on-CPU share |',
      '|---|---|',
      ...p.categories.filter((x) => x.percent >= 0.5).map((x) => `| ${x.category} | ${pct(x.percent)} |`),
      '',
      '| hottest symbols | self |',
      '|---|---|',
      ...p.top.map((r) => `| \`${r.symbol.replace(/\|/g, '\\|').slice(0, 110)}\` | ${pct(r.percent)} |`),
      '',
    ].join('\n'),
  );
  return `# On-CPU profiles\n\nTaken with \`node --import tsx bench/on-cpu-profile.ts\`: Linux perf (cpu-clock, 999 Hz, call graphs) attached to the bench's server process (a 3-node cluster and the bare route) for the measured window only, after preload and a 2 s warm-up; JIT frames named by \`--perf-basic-prof\` with code-space compaction off, so compiled code does not move under perf's map (a freed function's addresses can still be reused, so a small share may be charged to the wrong JavaScript). Shares are of all the process's on-CPU samples (the active, the standbys' lock polling, the HTTP stack); a sample in a V8 builtin, an inline cache or Node's C++ is charged to the nearest JavaScript frame above it with a source file, so JavaScript is split by who wrote it; kernel, crypto, GC, JSON, HTTP parsing and allocation stay their own kind. The hottest-symbols table is perf's flat self time. In this Firecracker VM, cpu-clock samples that land while interrupts are off are charged to the kernel's \`_raw_spin_unlock_irqrestore\`, so the kernel share is partly the hypervisor's.\n\n${parts.join('\n')}`;
}

async function main(): Promise<void> {
  endChildrenOnExit();
  const names = (arg('cases') ?? 'baseline,read-uniform,read-zipf,read-uncached,write').split(',');
  const storage = (arg('storage') ?? 'memory') as 'memory' | 'level';
  const seconds = Number(arg('seconds') ?? 8);
  const connections = Number(arg('connections') ?? 10);
  if (!Number.isInteger(connections) || connections < 1)
    throw new Error(`--connections takes a whole number above 0: got ${arg('connections')}`);
  const out = arg('out') ?? 'bench/out';
  // perf's data files are megabytes per case and useless without this machine's binaries: kept out of the results.
  const dir = mkdtempSync(join(tmpdir(), 'vaultlab-perf-'));
  mkdirSync(out, { recursive: true });
  const load = await startLoad();
  const profiles: CaseProfile[] = [];
  try {
    for (const name of names) {
      const c = CASES.find((x) => x.name === name);
      if (!c) throw new Error(`no bench case named ${name}; cases: ${CASES.map((x) => x.name).join(', ')}`);
      process.stderr.write(`profiling ${name} on ${storage} at c${connections} for ${seconds} s …\n`);
      profiles.push(await profileCase(c, { storage, connections, seconds }, load, dir));
      const p = profiles.at(-1)!;
      process.stderr.write(
        `  ${p.cpuUsPerReq.toFixed(0)} µs CPU/req; ${p.categories
          .slice(0, 3)
          .map((x) => `${x.category} ${x.percent.toFixed(0)} %`)
          .join(', ')}\n`,
      );
    }
  } finally {
    load.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(join(out, `profiles-${storage}.md`), profilesMarkdown(profiles));
  writeFileSync(join(out, `profiles-${storage}.json`), JSON.stringify(profiles, null, 1) + '\n');
  process.stderr.write(`Profiles: ${join(out, `profiles-${storage}.md`)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
