/**
 * What a drill leaves behind: a one-line summary for the terminal, and a report directory
 * with drill.json (figures, verdict, expectations), history.jsonl (the full history, one
 * event per line, re-checkable offline) and drill.md around timeline.svg, each with the
 * drill's story in plain words. A violation comes with the shortest history that shows
 * it, at times relative to the drill's start and with key names. Nothing secret is written: the history
 * holds node names, terms, keys and drill values, never tokens or unseal keys.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckId } from './checker.ts';
import type { DrillResult } from './drill-runner.ts';
import { newTerms, type ExpectationResult } from './expectations.ts';
import type { HistoryEvent } from './history.ts';
import { describeCheck, labNodeNames } from '../lab/index.ts';
import { networkSection } from './network-text.ts';
import type { Shrunk } from './shrink.ts';
import { drillReplay } from './replay-events.ts';
import { drillStory } from './story.ts';
import { timelineSvg } from './timeline-svg.ts';
import { foundDetail, foundExpected, lesson, verdict, violationMessage } from './verdict.ts';
import { witnessLines } from './witness-text.ts';

export { timelineSvg } from './timeline-svg.ts';

/** What a report may add to the drill itself. */
export interface ReportExtras {
  expectations?: ExpectationResult[];
  /** The smallest failing drill found by shrinking, and the events that show its violation. */
  shrunk?: Shrunk;
  witness?: HistoryEvent[];
  /** The violation the scenario sets out to show (it is the lesson, not a failure). */
  expectedCheck?: CheckId;
  /** The drill's story, when the caller has told it already (storyOf): drill.json and drill.md then share it. */
  story?: string[];
}

const clockName = (r: DrillResult) => (r.realTime ? 'wall clock' : 'virtual');

/** The terminal summary of one drill. */
export function summary(name: string, r: DrillResult, expectedCheck?: CheckId): string {
  return `${name} (seed ${r.spec.seed}): ${verdict(r, expectedCheck)}; lost acknowledged writes ${r.lostWrites}; downtime ${r.downtimeMs} ms (${clockName(r)}); requests ok ${r.ops.ok}, failed ${r.ops.failed}, unknown ${r.ops.unknown}`;
}

/** The drill's story: "1.67 s node2 took the lock (term 2)", one line per thing that happened. */
export function storyOf(r: DrillResult): string[] {
  const loadEnd = r.startTime + (r.spec.loadUntilMs ?? r.spec.durationMs);
  return drillStory({ events: r.history.events, startTime: r.startTime, startIndex: r.startIndex, loadEnd, keys: r.spec.keys });
}

/** The witness as lines at times relative to the drill's start, with key names. */
export function witnessOf(r: DrillResult, events: readonly HistoryEvent[]): string[] {
  return witnessLines(events, { start: r.startTime, keys: r.spec.keys, history: r.history.events });
}

/** Whether the drill passed: its expectations when it has any, else no violation. */
function passedOf(r: DrillResult, x: ReportExtras): boolean {
  return x.expectations ? x.expectations.every((e) => e.ok) : !r.violation;
}

/** The first line of the page: the verdict, in bold. */
function headline(r: DrillResult, passed: boolean, expectedCheck?: CheckId): string {
  if (passed && expectedCheck && foundExpected(r, expectedCheck)) return `**${lesson(expectedCheck)}** · ${foundDetail(r, expectedCheck)}`;
  const v = r.violation;
  const found = v
    ? `**${v.check} violated**${v.unknown ? ' (search gave up: unknown)' : ''}: ${violationMessage(r)}`
    : 'no checker violation';
  return `**${passed ? 'PASS' : 'FAIL'}** · ${found}`;
}

function faultRows(r: DrillResult): string[] {
  if (!r.spec.faults.length) return ['No faults.'];
  const knobs = (f: DrillResult['spec']['faults'][number]) =>
    [
      f.latencyMs !== undefined ? `${f.latencyMs} ms ±${Math.round((f.jitter ?? 0) * 100)} %` : '',
      f.errorRate !== undefined ? `${Math.round(f.errorRate * 100)} % errors` : '',
    ]
      .filter(Boolean)
      .join(', ');
  return [
    '| at (ms) | fault | target | for (ms) | settings |',
    '|---:|---|---|---:|---|',
    ...r.spec.faults.map((f) => `| ${f.at} | ${f.kind} | ${f.target} | ${f.durationMs} | ${knobs(f)} |`),
  ];
}

/** The Markdown page of a drill. */
export function drillMarkdown(name: string, r: DrillResult, description = '', x: ReportExtras = {}): string {
  const passed = passedOf(r, x);
  const mode = r.realTime ? 'real time, HTTP listeners, level backend on disk' : 'virtual time, in-process, memory backend';
  const lines = [
    `# Drill: ${name}`,
    '',
    description,
    '',
    headline(r, passed, x.expectedCheck),
    '',
    `- mode: ${mode}; seed ${r.spec.seed}; ${r.spec.nodes} nodes, ${r.spec.clients} clients, ${r.spec.keys} keys; fencing ${r.spec.fencing ? 'on' : 'off'}; lock TTL ${r.timings.lockTtlMs} ms`,
    `- downtime (clients without a successful answer): **${r.downtimeMs} ms** (${clockName(r)}); no node in the active state: ${r.noActiveMs} ms (a frozen active still counts as active there)`,
    `- client requests: ${r.ops.ok} ok, ${r.ops.failed} failed, ${r.ops.unknown} unknown (timed out or cut off)`,
    `- acknowledged writes lost: **${r.lostWrites}**; stale writes fenced by storage: ${r.fencedWrites}; new lock terms: ${newTerms(r)}`,
    '',
  ];
  lines.push('## What happened', '', ...(x.story ?? storyOf(r)).map((l) => `- ${l}`), '');
  if (x.expectations)
    lines.push(
      '## Expectations',
      '',
      '| | expectation | seen |',
      '|---|---|---|',
      ...x.expectations.map(
        (e) => `| ${e.ok ? (e.reportedOnly ? 'ℹ' : '✓') : '✗'} | ${e.text}${e.why ? ` (${e.why})` : ''} | ${e.detail} |`,
      ),
      '',
    );
  if (r.spec.topology) lines.push('## Network', '', ...networkSection(r.spec.topology, r.spec.nodes), '');
  if (r.spec.balancer) lines.push('## Balancer', '', balancerLine(r.spec.balancer), '');
  lines.push('## Faults', '', ...faultRows(r), '', '## Timeline', '', '![timeline](timeline.svg)', '');
  if (r.violation) {
    lines.push('## The shortest history that shows it', '');
    if (x.shrunk)
      lines.push(
        `Shrunk in ${x.shrunk.runs} replays to: ${x.shrunk.spec.nodes} nodes, ${x.shrunk.spec.clients} clients, ${x.shrunk.spec.keys} keys, ${x.shrunk.spec.durationMs} ms, faults ${JSON.stringify(x.shrunk.spec.faults)}.`,
        '',
      );
    lines.push('```', ...witnessOf(x.shrunk?.result ?? r, x.witness?.length ? x.witness : r.violation.events), '```', '');
  }
  return lines.join('\n');
}

/** The balancer in front, in HAProxy's words. */
function balancerLine(b: NonNullable<DrillResult['spec']['balancer']>): string {
  const who = b.mode === 'active' ? 'only the active passes' : 'standbys pass too (?standbyok=true) and forward';
  const advertised = b.advertise ? '; every node advertises the balancer as its api_addr' : '';
  return `Clients connect only to the built-in balancer (layer 4, round-robin): GET /v1/sys/health, ${describeCheck(b.check)}, a 200 passes (${who}); a refused connection is retried 3 times, 1 s apart${advertised}.`;
}

/** Writes drill.json, history.jsonl, drill.md and timeline.svg into `dir`. */
export function writeDrillReport(dir: string, name: string, r: DrillResult, description = '', x: ReportExtras = {}): void {
  mkdirSync(dir, { recursive: true });
  const told = { ...x, story: x.story ?? storyOf(r) };
  const json = {
    name,
    mode: r.realTime ? 'real-time' : 'virtual-time',
    spec: r.spec,
    passed: passedOf(r, x),
    violation: r.violation
      ? { ...r.violation, message: violationMessage(r), events: x.witness?.length ? x.witness : r.violation.events }
      : null,
    story: told.story,
    downtimeMs: r.downtimeMs,
    noActiveMs: r.noActiveMs,
    ops: r.ops,
    lostWrites: r.lostWrites,
    fencedWrites: r.fencedWrites,
    newTerms: newTerms(r),
    expectations: x.expectations ?? null,
    shrunkSpec: x.shrunk?.spec ?? null,
    // What the dashboard replays: the cluster's events in the lab timeline's words, the lock's leases, the clients' outcomes.
    replay: drillReplay(r.history.events, {
      nodes: labNodeNames(r.spec.nodes),
      timings: r.timings,
      loadStart: r.startTime,
      endTime: r.endTime,
    }),
    // The final state, so history.jsonl can be re-checked offline (C4 needs it).
    final: Object.fromEntries([...r.final].map(([k, f]) => [k, { current: f.current, versions: Object.fromEntries(f.versions) }])),
  };
  writeFileSync(join(dir, 'drill.json'), `${JSON.stringify(json, null, 1)}\n`);
  writeFileSync(join(dir, 'history.jsonl'), r.history.toJsonLines());
  writeFileSync(join(dir, 'timeline.svg'), timelineSvg(r));
  writeFileSync(join(dir, 'drill.md'), drillMarkdown(name, r, description, told));
}
