/**
 * What a drill leaves behind: a one-line summary for the terminal, and a report directory
 * with drill.json (figures, verdict, expectations), history.jsonl (the full history, one
 * event per line, re-checkable offline) and drill.md around timeline.svg. A violation
 * comes with the shortest history that shows it. Nothing secret is written: the history
 * holds node names, terms, keys and drill values, never tokens or unseal keys.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DrillResult } from './drill-runner.ts';
import { newTerms, type ExpectationResult } from './expectations.ts';
import type { HistoryEvent } from './history.ts';
import type { Shrunk } from './shrink.ts';
import { timelineSvg } from './timeline-svg.ts';

export { timelineSvg } from './timeline-svg.ts';

/** What a report may add to the drill itself. */
export interface ReportExtras {
  expectations?: ExpectationResult[];
  /** The smallest failing drill found by shrinking, and the events that show its violation. */
  shrunk?: Shrunk;
  witness?: HistoryEvent[];
}

const clockName = (r: DrillResult) => (r.realTime ? 'wall clock' : 'virtual');

/** The terminal summary of one drill. */
export function summary(name: string, r: DrillResult): string {
  const v = r.violation;
  const verdict = v ? `VIOLATION ${v.check}${v.unknown ? ' (unknown)' : ''}: ${v.message}` : 'no violations';
  return `${name} (seed ${r.spec.seed}): ${verdict}; lost acknowledged writes ${r.lostWrites}; downtime ${r.downtimeMs} ms (${clockName(r)}); requests ok ${r.ops.ok}, failed ${r.ops.failed}, unknown ${r.ops.unknown}`;
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
  const passed = x.expectations ? x.expectations.every((e) => e.ok) : !r.violation;
  const mode = r.realTime ? 'real time, HTTP listeners, level backend on disk' : 'virtual time, in-process, memory backend';
  const lines = [
    `# Drill: ${name}`,
    '',
    description,
    '',
    `**${passed ? 'PASS' : 'FAIL'}** · ${r.violation ? `**${r.violation.check} violated**${r.violation.unknown ? ' (search gave up: unknown)' : ''}: ${r.violation.message}` : 'no checker violation'}`,
    '',
    `- mode: ${mode}; seed ${r.spec.seed}; ${r.spec.nodes} nodes, ${r.spec.clients} clients, ${r.spec.keys} keys; fencing ${r.spec.fencing ? 'on' : 'off'}; lock TTL ${r.timings.lockTtlMs} ms`,
    `- downtime (no active node during the drill): **${r.downtimeMs} ms** (${clockName(r)})`,
    `- client requests: ${r.ops.ok} ok, ${r.ops.failed} failed, ${r.ops.unknown} unknown (timed out or cut off)`,
    `- acknowledged writes lost: **${r.lostWrites}**; stale writes fenced by storage: ${r.fencedWrites}; new lock terms: ${newTerms(r)}`,
    '',
  ];
  if (x.expectations)
    lines.push(
      '## Expectations',
      '',
      '| | expectation | seen |',
      '|---|---|---|',
      ...x.expectations.map((e) => `| ${e.ok ? (e.reportedOnly ? 'ℹ' : '✓') : '✗'} | ${e.text} | ${e.detail} |`),
      '',
    );
  lines.push('## Faults', '', ...faultRows(r), '', '## Timeline', '', '![timeline](timeline.svg)', '');
  if (r.violation) {
    lines.push('## The shortest history that shows it', '');
    if (x.shrunk)
      lines.push(
        `Shrunk in ${x.shrunk.runs} replays to: ${x.shrunk.spec.nodes} nodes, ${x.shrunk.spec.clients} clients, ${x.shrunk.spec.keys} keys, ${x.shrunk.spec.durationMs} ms, faults ${JSON.stringify(x.shrunk.spec.faults)}.`,
        '',
      );
    lines.push('```', ...(x.witness?.length ? x.witness : r.violation.events).map((e) => JSON.stringify(e)), '```', '');
  }
  return lines.join('\n');
}

/** Writes drill.json, history.jsonl, drill.md and timeline.svg into `dir`. */
export function writeDrillReport(dir: string, name: string, r: DrillResult, description = '', x: ReportExtras = {}): void {
  mkdirSync(dir, { recursive: true });
  const json = {
    name,
    mode: r.realTime ? 'real-time' : 'virtual-time',
    spec: r.spec,
    passed: x.expectations ? x.expectations.every((e) => e.ok) : !r.violation,
    violation: r.violation ? { ...r.violation, events: x.witness?.length ? x.witness : r.violation.events } : null,
    downtimeMs: r.downtimeMs,
    ops: r.ops,
    lostWrites: r.lostWrites,
    fencedWrites: r.fencedWrites,
    newTerms: newTerms(r),
    expectations: x.expectations ?? null,
    shrunkSpec: x.shrunk?.spec ?? null,
    // The final state, so history.jsonl can be re-checked offline (C4 needs it).
    final: Object.fromEntries([...r.final].map(([k, f]) => [k, { current: f.current, versions: Object.fromEntries(f.versions) }])),
  };
  writeFileSync(join(dir, 'drill.json'), `${JSON.stringify(json, null, 1)}\n`);
  writeFileSync(join(dir, 'history.jsonl'), r.history.toJsonLines());
  writeFileSync(join(dir, 'timeline.svg'), timelineSvg(r));
  writeFileSync(join(dir, 'drill.md'), drillMarkdown(name, r, description, x));
}
