/**
 * The three things the CLI (and anyone else) asks of the drill room: list the scenarios,
 * play one (virtual or real time, with a report), and play N seeded random drills. A
 * drill that finds a violation it did not expect is shrunk to the smallest drill that
 * still shows it, and reported with the shortest history that does.
 */
import { join } from 'node:path';
import { actsOnZone, labNodeNames } from '../lab/index.ts';
import type { Topology } from '../net/index.ts';
import { loadCatalogue } from './catalogue.ts';
import { storyOf, summary, witnessOf, writeDrillReport } from './drill-report.ts';
import { runDrill, type DrillMode, type DrillResult } from './drill-runner.ts';
import { randomSpec, type DrillSpec } from './drill-spec.ts';
import { judgeScenario, type ExpectationResult } from './expectations.ts';
import type { HistoryEvent } from './history.ts';
import { compileScenario, type Scenario } from './scenario.ts';
import { shrinkDrill, witness, type Shrunk } from './shrink.ts';
import { processDrillRefusal, runProcessDrill, type ProcessDrillOptions } from './process/process-drill.ts';

/** A scenario name that is not in the catalogue. */
export class UnknownScenarioError extends Error {
  readonly code = 'DRILL_UNKNOWN_SCENARIO';
  constructor(name: string, known: string[]) {
    super(`unknown drill ${JSON.stringify(name)} (one of ${known.join(', ')})`);
  }
}

/** A topology that lacks a zone the scenario takes down. */
export class ScenarioTopologyError extends Error {
  readonly code = 'DRILL_TOPOLOGY_MISMATCH';
}

/** How to play a scenario. */
export interface ScenarioOptions {
  seed?: number;
  /** Real timers, HTTP listeners and the level backend instead of virtual time. */
  realTime?: boolean;
  /** Where to write drill.json, history.jsonl, drill.md and timeline.svg. */
  reportDir?: string;
  /** The network to play it on, instead of the scenario's own (none: its own, or no delays). */
  topology?: Topology;
  /** Real time only: called with the drill's cluster before it starts (`--watch`: a dashboard attaches). */
  watch?: DrillMode['watch'];
  /** On node processes and a real etcd (real time; see process-drill.ts). */
  processes?: boolean;
  /** With processes: called with the drill's lab before it starts (`--watch`: a dashboard attaches). */
  watchProcesses?: ProcessDrillOptions['watch'];
}

/** A scenario asked of the wrong kind of lab: an etcd scenario without processes, or a process drill it cannot play. */
export class ScenarioModeError extends Error {
  readonly code = 'DRILL_MODE_MISMATCH';
}

/** A played scenario. */
export interface ScenarioReport {
  name: string;
  description: string;
  passed: boolean;
  expectations: ExpectationResult[];
  result: DrillResult;
  summary: string;
  /** For an unexpected violation (virtual time): the smallest drill that still shows it. */
  shrunk?: Shrunk;
  witness?: HistoryEvent[];
  /** What happened, one line per event worth telling, at times relative to the drill's start. */
  story: string[];
  /** The witness as lines a person can follow (relative times, key names), whenever there is a violation. */
  witnessText?: string[];
}

/** The shipped scenarios' names and stories. */
export async function listScenarios(): Promise<Array<{ name: string; description: string }>> {
  return (await loadCatalogue()).map(({ name, description }) => ({ name, description }));
}

/** The shipped scenarios' names with their one-line summaries, for a short listing. */
export async function scenarioSummaries(): Promise<Array<{ name: string; summary: string }>> {
  return (await loadCatalogue()).map(({ name, summary, description }) => ({ name, summary: summary ?? description.split('. ')[0] }));
}

/** Plays one scenario (a shipped one by name, or one read from a file) and judges it against its expectations. */
export async function runScenario(scenario: string | Scenario, o: ScenarioOptions = {}): Promise<ScenarioReport> {
  const s = typeof scenario === 'string' ? await shipped(scenario) : scenario;
  const name = s.name;
  const { spec, expectations } = compileScenario(s, o.seed ?? 1);
  if (o.topology) spec.topology = checkZonesOf(spec, o.topology);
  const expectedCheck = expectations.flatMap((x) => (typeof x === 'object' && 'violation' in x ? [x.violation] : []))[0];
  const mode = { realTime: o.realTime === true || o.processes === true, watch: o.watch };
  const result = await play(s, spec, o, mode);
  const judged = judgeScenario(result, expectations);
  const report: ScenarioReport = {
    name,
    description: s.description,
    passed: judged.every((e) => e.ok),
    expectations: judged,
    result,
    summary: summary(name, result, expectedCheck) + processFigures(result),
    story: storyOf(result),
  };
  if (result.violation && !s.expectViolation) {
    if (!mode.realTime)
      report.shrunk = await shrinkDrill(
        result,
        (x) => runDrill(x),
        (r) => r.violation?.check === result.violation!.check,
      );
    report.witness = witness(report.shrunk?.result ?? result);
  }
  if (result.violation) report.witnessText = witnessOf(report.shrunk?.result ?? result, report.witness ?? witness(result));
  if (o.reportDir)
    writeDrillReport(o.reportDir, name, result, s.description, {
      expectations: judged,
      shrunk: report.shrunk,
      witness: report.witness,
      expectedCheck,
      story: report.story,
    });
  return report;
}

/** What only a drill on processes measures: how long two running nodes both said they were active. */
function processFigures(r: DrillResult): string {
  return 'activeOverlapMs' in r
    ? `; two nodes said active for ${String(r.activeOverlapMs)} ms; ${r.fencedWrites} write(s) fenced by etcd`
    : '';
}

/** Plays the compiled scenario where it asks to be played: in one process, or on node processes and etcd. */
async function play(s: Scenario, spec: DrillSpec, o: ScenarioOptions, mode: DrillMode): Promise<DrillResult> {
  if (!o.processes) {
    if (s.processes) throw new ScenarioModeError(`${s.name} faults etcd itself: it plays on node processes only (add --processes)`);
    return runDrill(spec, mode);
  }
  const refusal = processDrillRefusal(spec);
  if (refusal) throw new ScenarioModeError(`${s.name} cannot play on node processes: ${refusal}`);
  return runProcessDrill(spec, { dir: o.reportDir ? join(o.reportDir, 'lab') : undefined, watch: o.watchProcesses });
}

/** The topology, when every zone the spec's faults name is one of its zones (the others aim at a node and hit its zone). */
function checkZonesOf(spec: DrillSpec, topology: Topology): Topology {
  const aimedAtNodes = ['active', 'standby', ...labNodeNames(spec.nodes)];
  for (const f of spec.faults)
    if (actsOnZone(f.kind) && !aimedAtNodes.includes(f.target) && !topology.zones.includes(f.target))
      throw new ScenarioTopologyError(
        `the scenario takes zone ${f.target} down, but topology ${topology.name} has zones ${topology.zones.join(', ')}`,
      );
  return topology;
}

/** A shipped scenario by name. */
async function shipped(name: string): Promise<Scenario> {
  const catalogue = await loadCatalogue();
  const s = catalogue.find((x) => x.name === name);
  if (!s)
    throw new UnknownScenarioError(
      name,
      catalogue.map((x) => x.name),
    );
  return s;
}

/** One random drill that found a violation or lost a write. */
export interface DrillFailure {
  seed: number;
  summary: string;
  result: DrillResult;
  shrunk?: Shrunk;
  witness: HistoryEvent[];
  /** The witness as lines a person can follow (relative times, key names). */
  witnessText: string[];
}

/** The outcome of a batch of random drills. */
export interface RandomDrillsReport {
  drills: number;
  firstSeed: number;
  failures: DrillFailure[];
  /** Acknowledged operations over all drills (proof the drills did work). */
  acknowledged: number;
  /** How often each fault kind fired. */
  faults: Record<string, number>;
  wallMs: number;
}

/** Options of a random batch. */
export interface RandomDrillsOptions {
  /** Where to write one report directory per failing seed. */
  reportDir?: string;
  /** Shrink failures (default true). */
  shrink?: boolean;
  /** Storage fencing (false: the split-brain mutant). */
  fencing?: boolean;
  /** Called after each drill, for progress output. */
  onDrill?: (r: DrillResult, index: number) => void;
}

/** Plays `n` seeded random drills (seeds seed, seed+1, ...) in virtual time; a failure is any violation or lost write. */
export async function runRandomDrills(n: number, seed: number, o: RandomDrillsOptions = {}): Promise<RandomDrillsReport> {
  const started = Date.now();
  const report: RandomDrillsReport = { drills: n, firstSeed: seed, failures: [], acknowledged: 0, faults: {}, wallMs: 0 };
  const failed = (r: DrillResult) => r.violation !== undefined || r.lostWrites > 0;
  for (let i = 0; i < n; i++) {
    const spec: DrillSpec = randomSpec(seed + i, o.fencing ?? true);
    const r = await runDrill(spec);
    report.acknowledged += r.ops.ok;
    for (const f of r.history.events) if (f.kind === 'fault' && f.on) report.faults[f.name] = (report.faults[f.name] ?? 0) + 1;
    o.onDrill?.(r, i);
    if (!failed(r)) continue;
    const check = r.violation?.check;
    const shrunk =
      o.shrink === false
        ? undefined
        : await shrinkDrill(
            r,
            (x) => runDrill(x),
            (x) => failed(x) && x.violation?.check === check,
          );
    const failure: DrillFailure = {
      seed: spec.seed,
      summary: summary(`random drill`, r),
      result: r,
      shrunk,
      witness: witness(shrunk?.result ?? r),
      witnessText: [],
    };
    failure.witnessText = witnessOf(shrunk?.result ?? r, failure.witness);
    report.failures.push(failure);
    if (o.reportDir)
      writeDrillReport(
        join(o.reportDir, `random-${spec.seed}`),
        `random drill, seed ${spec.seed}`,
        shrunk?.result ?? r,
        'A seeded random drill (the report shows the shrunk drill).',
        { shrunk, witness: failure.witness },
      );
  }
  report.wallMs = Date.now() - started;
  return report;
}
