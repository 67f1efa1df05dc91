/**
 * When a drill finds a violation, the smallest drill that still finds it is what a person
 * can read: fewer faults, nodes, clients and keys, a shorter run. This is greedy delta
 * debugging over the drill spec (the shrinking fast-check does, made deterministic and
 * bounded: each candidate is a whole drill, replayed from the same seed in virtual time),
 * and then a cut of the shrunk drill's history down to the events that show the violation.
 */
import type { DrillResult } from './drill-runner.ts';
import type { DrillSpec } from './drill-spec.ts';
import type { HistoryEvent } from './history.ts';

/** A drill that still fails, after shrinking. */
export interface Shrunk {
  spec: DrillSpec;
  result: DrillResult;
  /** Drills played while shrinking. */
  runs: number;
}

/** Smaller variants of a spec, most promising first. */
function candidates(s: DrillSpec): DrillSpec[] {
  const out: DrillSpec[] = [];
  for (let i = 0; i < s.faults.length; i++) out.push({ ...s, faults: s.faults.filter((_, j) => j !== i) });
  const lastFault = Math.max(0, ...s.faults.map((f) => f.at + f.durationMs));
  const shorter = Math.max(lastFault + 500, Math.floor(s.durationMs * 0.6));
  if (shorter < s.durationMs)
    out.push({
      ...s,
      durationMs: shorter,
      loadUntilMs: s.loadUntilMs && Math.min(s.loadUntilMs, shorter),
      probes: s.probes?.filter((p) => p.at <= shorter),
    });
  if (s.clients > 1) out.push({ ...s, clients: s.clients - 1 });
  if (s.keys > 1) out.push({ ...s, keys: s.keys - 1 });
  // Fewer nodes only when no fault names a node that would disappear.
  if (s.nodes > 2 && !s.faults.some((f) => f.target === `node${s.nodes}`)) out.push({ ...s, nodes: s.nodes - 1 });
  for (let i = 0; i < s.faults.length; i++) {
    const f = s.faults[i];
    if (f.durationMs > 200)
      out.push({ ...s, faults: s.faults.map((g, j) => (j === i ? { ...g, durationMs: Math.floor(g.durationMs / 2) } : g)) });
  }
  return out;
}

/** Shrinks a failing spec while `fails` still holds for the drill it plays, within `maxRuns` drills. */
export async function shrinkDrill(
  first: DrillResult,
  play: (s: DrillSpec) => Promise<DrillResult>,
  fails: (r: DrillResult) => boolean,
  maxRuns = 60,
): Promise<Shrunk> {
  let best = first;
  let runs = 0;
  for (let improved = true; improved && runs < maxRuns;) {
    improved = false;
    for (const c of candidates(best.spec)) {
      if (runs >= maxRuns) break;
      runs++;
      const r = await play(c);
      if (fails(r)) {
        best = r;
        improved = true;
        break;
      }
    }
  }
  return { spec: best.spec, result: best, runs };
}

/**
 * The events that show a violation: its own events, and the faults, state changes and lock
 * changes from the start of the faults still on when it began to its last event (renewals
 * and unrelated client traffic left out).
 */
export function witness(r: DrillResult): HistoryEvent[] {
  const v = r.violation;
  if (!v?.events.length) return [];
  const ev = r.history.events;
  const mine = new Set<HistoryEvent>(v.events);
  const at = v.events.map((e) => ev.indexOf(e)).filter((i) => i >= 0);
  if (!at.length) return v.events;
  const to = Math.max(...at);
  let from = Math.min(...at);
  const on = new Map<string, number>();
  ev.slice(0, from).forEach((e, i) => {
    if (e.kind !== 'fault') return;
    if (e.on) on.set(`${e.name}:${e.target}`, i);
    else on.delete(`${e.name}:${e.target}`);
  });
  from = Math.min(from, ...on.values());
  const context = (e: HistoryEvent) => e.kind === 'fault' || e.kind === 'state' || (e.kind === 'lock' && e.event !== 'renewed');
  return ev.slice(from, to + 1).filter((e) => mine.has(e) || context(e));
}
