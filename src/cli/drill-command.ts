/**
 * `vaultlab drill [NAME | FILE] [--seed S] [--real-time | --processes] [--watch] [--report DIR] | --list | --random N --seed S`:
 * failover drills. Alone, it lists the scenarios and how to run one. A drill prints its
 * verdict, its expectations and the story of what happened; one that finds a violation it
 * did not expect exits 2 and prints the smallest drill that still shows it and the
 * shortest history that does (the witness). A FILE is a user's scenario (.json or .ts),
 * checked field by field before anything runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  isScenarioFile,
  listScenarios,
  loadScenarioFile,
  runDurability,
  runRandomDrills,
  runScenario,
  scenarioSummaries,
  ScenarioFileError,
  ScenarioModeError,
  ScenarioTopologyError,
  UnknownScenarioError,
  type Scenario,
} from '../drill/index.ts';
import {
  describeTopology,
  topologyNamed,
  watchCluster,
  watchProcessLab,
  type Cluster,
  type ProcessLab,
  type WatchServer,
} from '../lab/index.ts';
import { out, type Run, UsageError, warn } from './output.ts';

const USAGE = [
  'Usage: vaultlab drill NAME|FILE [--seed S] [--real-time | --processes] [--watch] [--topology NAME|FILE] [--report DIR]',
  '       vaultlab drill --random N [--seed S] [--unfenced] [--report DIR]',
  '       vaultlab drill --list',
];

function wholeNumber(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, not ${JSON.stringify(v)}`);
  return n;
}

function printLines(title: string, lines: readonly string[]): void {
  out(title);
  for (const l of lines) out(`  ${l}`);
}

/** The flags of `drill`. */
interface DrillOptions {
  list?: boolean;
  seed: string;
  random?: string;
  report?: string;
  realTime?: boolean;
  unfenced?: boolean;
  topology?: string;
  watch?: boolean;
  processes?: boolean;
}

/** Registers `drill`. */
export function registerDrill(program: Command, run: Run): void {
  program
    .command('drill')
    .argument('[name]', 'a scenario (see --list), or a scenario file (.json or .ts)')
    .description('play a failover drill in virtual time and check the history for violations')
    .option('--list', 'list the scenarios')
    .option('--seed <n>', 'the seed (same seed, same drill)', '1')
    .option('--random <n>', 'run N random drills (3–5 nodes, 1–5 faults each)')
    .option('--report <dir>', 'write drill.json, history.jsonl, drill.md and timeline.svg here')
    .option('--real-time', 'run on real timers, real sockets and the level backend instead of virtual time')
    .option(
      '--processes',
      'run each node as its own process on a three-member etcd the drill starts (real time; needs etcd-server); with --random: the durability run',
    )
    .option('--topology <name|file>', 'play it on this network: a preset (local, one-zone, three-zones) or a topology file (JSON or HCL)')
    .option('--unfenced', 'with --random: storage fencing off, to see the split brain fencing prevents')
    .option(
      '--watch',
      "with --real-time or --processes: serve the live dashboard on the drill's cluster and start once a browser follows it",
    )
    .action((name: string | undefined, o: DrillOptions) =>
      run(async () => {
        if (o.list) {
          for (const s of await listScenarios()) out(`${s.name.padEnd(24)} ${s.description}`);
          return 0;
        }
        const seed = wholeNumber('--seed', o.seed, 0);
        if (o.topology !== undefined && o.random !== undefined) throw new UsageError('--topology goes with a scenario, not --random');
        if (o.random !== undefined && o.processes) return durability(wholeNumber('--random', o.random, 1), seed, o.report);
        if (o.random !== undefined) return randomDrills(wholeNumber('--random', o.random, 1), seed, o);
        if (o.unfenced) throw new UsageError('--unfenced goes with --random (the zombie-leader-unfenced scenario is the fixed one)');
        if (o.processes && o.topology !== undefined) throw new UsageError('--processes does not combine with --topology yet');
        if (o.watch && !o.realTime && !o.processes)
          throw new UsageError(
            '--watch goes with --real-time or --processes: a virtual-time drill is over in a moment (open its drill.json in the dashboard to replay it)',
          );
        // Alone, `drill` is how one finds out what there is to play: the list is the answer, not an error.
        if (name === undefined) return listAndUsage();
        return scenario(isScenarioFile(name) ? await fromFile(name) : name, seed, o);
      }),
    );
}

/** `drill` with no name: the scenarios, one line each, and how to play one. */
async function listAndUsage(): Promise<number> {
  out(USAGE.join('\n'));
  out('');
  out('Scenarios:');
  for (const s of await scenarioSummaries()) out(`  ${s.name.padEnd(30)} ${s.summary}`);
  out('');
  out('Play one: vaultlab drill kill-active. Your own: vaultlab drill ./my-drill.json (same steps as scenarios/*.ts; see the README).');
  return 0;
}

/** A user's scenario file, or a usage error naming every bad field. */
async function fromFile(file: string): Promise<Scenario> {
  try {
    return await loadScenarioFile(file);
  } catch (err) {
    if (err instanceof ScenarioFileError) throw new UsageError(err.message);
    throw err;
  }
}

/** `drill --random N`: N seeded random drills; each failing one with its shrunk drill and witness. */
async function randomDrills(n: number, seed: number, o: DrillOptions): Promise<number> {
  const r = await runRandomDrills(n, seed, {
    reportDir: o.report,
    fencing: !o.unfenced,
    onDrill: (_d, i) => {
      if ((i + 1) % 50 === 0 && i + 1 < n) warn(`${i + 1}/${n} drills played`);
    },
  });
  for (const f of r.failures) {
    out(f.summary);
    if (f.shrunk) out(`  smallest drill that still fails (${f.shrunk.runs} drills tried): ${JSON.stringify(f.shrunk.spec)}`);
    printLines('  the shortest history that shows it:', f.witnessText);
  }
  out(
    `${n} random drills from seed ${seed}: ${r.failures.length} with violations or lost writes; ${r.acknowledged} acknowledged operations in ${(r.wallMs / 1000).toFixed(1)} s`,
  );
  return r.failures.length ? 2 : 0;
}

/** `drill --random N --processes`: the durability run on node processes and etcd; its figures, and durability.json with --report. */
async function durability(n: number, seed: number, reportDir?: string): Promise<number> {
  const f = await runDurability(n, seed, (r, i) =>
    warn(
      `drill ${i + 1}/${n} (seed ${seed + i}): ${r.firedFaults.length} faults, ${r.ops.ok} ok, ${r.lostWrites} lost, ${r.violation ? r.violation.check : 'no violation'}`,
    ),
  );
  const fired = Object.values(f.faults).reduce((a, b) => a + b, 0);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  out(`${n} random drills on node processes and etcd from seed ${seed}: ${fired} faults in ${(f.wallMs / 1000).toFixed(0)} s`);
  for (const [label, count] of Object.entries(f.faults)) out(`  ${String(count).padStart(4)}  ${label}`);
  out(
    `  acknowledged writes ${f.acknowledgedWrites}, lost ${f.lostWrites}; acknowledged reads ${f.acknowledgedReads}, drills with a stale read (C5) ${f.staleReadDrills}`,
  );
  out(
    `  drills where storage accepted writes from two actives (C2) ${f.splitBrainDrills}; other violations ${JSON.stringify(f.violations)}`,
  );
  out(
    `  writes etcd fenced ${f.fencedWrites}; two nodes said active: median ${med(f.activeOverlapMs)} ms, most ${Math.max(0, ...f.activeOverlapMs)} ms; client downtime per drill: median ${med(f.downtimeMs)} ms`,
  );
  if (reportDir) {
    mkdirSync(reportDir, { recursive: true });
    writeFileSync(join(reportDir, 'durability.json'), `${JSON.stringify(f, null, 2)}\n`);
    out(`Figures: ${join(reportDir, 'durability.json')}`);
  }
  const bad = f.lostWrites + f.staleReadDrills + f.splitBrainDrills + Object.keys(f.violations).length;
  return bad ? 2 : 0;
}

/** Runs a check whose errors are the user's to fix: a usage error (exit 2 with the message). */
function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `drill NAME|FILE`: one scenario, judged against its expectations, and its story. */
async function scenario(s: string | Scenario, seed: number, o: DrillOptions): Promise<number> {
  let report;
  const topology = o.topology === undefined ? undefined : asUsage(() => topologyNamed(o.topology!));
  let watching: WatchServer | undefined;
  const watch = o.watch ? async (cluster: Cluster) => void (watching = await waitForWatcher(() => watchCluster(cluster))) : undefined;
  const watchProcesses = o.watch
    ? async (lab: ProcessLab, access: { token: string; keys: string[] }) =>
        void (watching = await waitForWatcher(() => watchProcessLab(lab, access)))
    : undefined;
  try {
    const played = { seed, realTime: o.realTime, reportDir: o.report, topology, watch, watchProcesses, processes: o.processes };
    report = await runScenario(s, played);
  } catch (err) {
    if (err instanceof UnknownScenarioError) throw new UsageError(`${err.message}: see "vaultlab drill --list"`);
    if (err instanceof ScenarioTopologyError || err instanceof ScenarioModeError) throw new UsageError(err.message);
    throw err;
  } finally {
    await watching?.close();
  }
  out(report.summary);
  if (report.result.spec.topology) out(`  network: ${describeTopology(report.result.spec.topology)}`);
  for (const x of report.expectations) out(`  ${x.ok ? 'ok  ' : 'FAIL'} ${x.text}${x.why ? ` (${x.why})` : ''}: ${x.detail}`);
  printLines('What happened:', report.story);
  if (report.shrunk) out(`Smallest drill that still fails (${report.shrunk.runs} drills tried): ${JSON.stringify(report.shrunk.spec)}`);
  if (report.witnessText) printLines('The shortest history that shows it:', report.witnessText);
  if (o.report) out(`Report: ${o.report}/drill.md`);
  return report.passed ? 0 : 2;
}

/** `--watch`: serves the dashboard on the drill's cluster (or its processes) and waits until a browser follows its stream. */
async function waitForWatcher(serve: () => Promise<WatchServer>): Promise<WatchServer> {
  const w = await serve();
  out(`Dashboard: ${w.url}`);
  out('The drill starts once the dashboard is open (Ctrl-C stops).');
  while (w.watchers() === 0) await new Promise((r) => setTimeout(r, 200));
  return w;
}
