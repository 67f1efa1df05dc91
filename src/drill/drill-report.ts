/**
 * What a drill leaves behind: a one-paragraph summary for the terminal, and a report
 * directory with the JSON history and a Markdown page around an SVG timeline (one lane
 * per node coloured by state, lock terms as labels, faults as marks, failed client
 * requests as red ticks).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DrillResult } from './drill-runner.ts';
import type { HistoryEvent } from './history.ts';

const COLOURS: Record<string, string> = { active: '#15803d', standby: '#2563eb', sealed: '#9ca3af', uninitialized: '#e5e7eb', stopped: '#111827' };

/** The terminal summary of one drill. */
export function summary(name: string, r: DrillResult): string {
  const verdict = r.violation ? `VIOLATION ${r.violation.check}: ${r.violation.message}` : 'no violations';
  return `${name} (seed ${r.spec.seed}): ${verdict}; lost acknowledged writes ${r.lostWrites}; downtime ${r.downtimeMs} ms (virtual); requests ok ${r.ops.ok}, failed ${r.ops.failed}`;
}

/** The SVG timeline of a drill. */
export function timelineSvg(r: DrillResult): string {
  const ev = r.history.events;
  const t0 = ev[0]?.t ?? 0;
  const span = Math.max(1, r.endTime - t0);
  const nodes = [...new Set(ev.filter((e) => e.kind === 'state').map((e) => (e as { node: string }).node))].sort();
  const w = 900;
  const left = 70;
  const lane = 26;
  const x = (t: number) => left + ((t - t0) / span) * (w - left - 10);
  const parts: string[] = [];
  nodes.forEach((node, i) => {
    const y = 20 + i * lane;
    parts.push(`<text x="4" y="${y + 14}" font-size="12">${node}</text>`);
    let from = t0;
    let state = 'uninitialized';
    for (const e of ev) {
      if (e.kind !== 'state' || e.node !== node) continue;
      parts.push(`<rect x="${x(from).toFixed(1)}" y="${y}" width="${Math.max(0.5, x(e.t) - x(from)).toFixed(1)}" height="18" fill="${COLOURS[state] ?? '#ddd'}"><title>${state}</title></rect>`);
      from = e.t;
      state = e.to;
    }
    parts.push(`<rect x="${x(from).toFixed(1)}" y="${y}" width="${Math.max(0.5, x(r.endTime) - x(from)).toFixed(1)}" height="18" fill="${COLOURS[state] ?? '#ddd'}"/>`);
  });
  const base = 20 + nodes.length * lane;
  for (const e of ev) {
    if (e.kind === 'fault' && e.on) parts.push(`<text x="${x(e.t).toFixed(1)}" y="14" font-size="10" fill="#b45309">▼ ${e.name}</text>`);
    if (e.kind === 'lock') parts.push(`<text x="${x(e.t).toFixed(1)}" y="${base + 14}" font-size="10">t${e.term}</text>`);
    if (e.kind === 'fail') parts.push(`<line x1="${x(e.t).toFixed(1)}" x2="${x(e.t).toFixed(1)}" y1="${base + 20}" y2="${base + 30}" stroke="#b91c1c"/>`);
  }
  const legend = Object.entries(COLOURS).map(([s, c], i) => `<rect x="${left + i * 110}" y="${base + 38}" width="12" height="12" fill="${c}"/><text x="${left + i * 110 + 16}" y="${base + 48}" font-size="11">${s}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${base + 60}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${parts.join('')}${legend.join('')}</svg>\n`;
}

function eventLine(e: HistoryEvent): string {
  return `- ${JSON.stringify(e)}`;
}

/** Writes drill.json, drill.md and timeline.svg into `dir`. */
export function writeDrillReport(dir: string, name: string, r: DrillResult, description = ''): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'drill.json'), `${JSON.stringify({ name, spec: r.spec, violation: r.violation ?? null, downtimeMs: r.downtimeMs, ops: r.ops, history: r.history.events }, null, 1)}\n`);
  writeFileSync(join(dir, 'timeline.svg'), timelineSvg(r));
  const md = [
    `# Drill: ${name}`,
    '',
    description,
    '',
    `- seed ${r.spec.seed}, ${r.spec.nodes} nodes, ${r.spec.clients} clients, fencing ${r.spec.fencing ? 'on' : 'off'}`,
    `- faults: ${r.spec.faults.map((f) => `${f.kind} ${f.target} at ${f.at} ms for ${f.durationMs} ms`).join('; ') || 'none'}`,
    `- downtime (no active node): ${r.downtimeMs} ms of virtual time`,
    `- client requests: ${r.ops.ok} ok, ${r.ops.failed} failed or timed out; acknowledged writes lost: ${r.lostWrites}`,
    `- verdict: ${r.violation ? `**${r.violation.check} violated**: ${r.violation.message}` : 'no violation'}`,
    '',
    '![timeline](timeline.svg)',
    '',
    ...(r.violation ? ['## The events that show it', '', ...r.violation.events.map(eventLine), ''] : []),
  ];
  writeFileSync(join(dir, 'drill.md'), md.join('\n'));
}
