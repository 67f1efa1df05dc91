/**
 * Judges a played scenario against what it expects. Safety (no violation, no lost
 * write, fencing at work, the split brain caught) is asserted in both modes. Anything
 * that depends on how fast things happen (probes at an instant, downtime bounds, how many
 * terms a hand-over took) is asserted in virtual time only; on wall-clock time it is
 * reported with what was seen, never asserted (docs/invariants.md: the checks).
 */
import { redirectLoop, sealedBehindBalancer } from './balancer-expectations.ts';
import type { ExpectationResult } from './expectation-result.ts';
import type { DrillResult } from './drill-runner.ts';
import { seconds } from './event-text.ts';
import { zonesOf } from './network-text.ts';
import type { FinalExpectation } from './scenario.ts';
import { staleRedirectRuns } from './stale-redirects.ts';
import { CHECK_NAMES, foundDetail, violationMessage } from './verdict.ts';

export type { ExpectationResult } from './expectation-result.ts';

/** Lock acquisitions after the load window opened. */
export function newTerms(r: DrillResult): number {
  return r.history.events.slice(r.startIndex).filter((e) => e.kind === 'lock' && e.event === 'acquired').length;
}

function timing(r: DrillResult, text: string, ok: boolean, detail: string): ExpectationResult {
  return r.realTime
    ? { text, ok: true, detail: `${detail} (wall clock: reported, not asserted)`, reportedOnly: true }
    : { text, ok, detail };
}

/** The first lock taken after a zone went down, and whether its taker sits in another zone (safety: asserted in both modes). */
function activeInAnotherZone(r: DrillResult): ExpectationResult {
  const text = 'the next active sits in another zone than the one that went down';
  const ev = r.history.events;
  const down = ev.findIndex((e) => e.kind === 'fault' && e.name === 'zone-down' && e.on);
  if (!r.spec.topology || down < 0) return { text, ok: false, detail: 'no zone went down' };
  const zone = (ev[down] as Extract<(typeof ev)[number], { kind: 'fault' }>).target;
  const next = ev.slice(down).find((e) => e.kind === 'lock' && e.event === 'acquired');
  if (next?.kind !== 'lock') return { text, ok: false, detail: `no node took the lock after zone ${zone} went down` };
  const taker = zonesOf(r.spec.topology, r.spec.nodes).get(next.node);
  return { text, ok: taker !== zone, detail: `${next.node} (zone ${taker}) took the lock after zone ${zone} went down` };
}

function judge(r: DrillResult, x: FinalExpectation): ExpectationResult {
  if (x === 'active-in-another-zone') return activeInAnotherZone(r);
  if (x === 'redirect-loop') return redirectLoop(r);
  if (x === 'sealed-behind-balancer') return sealedBehindBalancer(r);
  if (x === 'lost-writes') return { text: 'acknowledged writes are lost', ok: r.lostWrites > 0, detail: `${r.lostWrites} lost` };
  if (x === 'fenced-writes') return { text: 'storage fences stale writes', ok: r.fencedWrites > 0, detail: `${r.fencedWrites} fenced` };
  if (x === 'stale-redirects') {
    const runs = staleRedirectRuns(r.history.events);
    const n = runs.reduce((sum, run) => sum + run.completions.length, 0);
    const spans = runs.map((run) => `${run.to} for ${seconds(run.until - run.from)}`).join(', ');
    return {
      text: 'standbys redirect clients to a node that is down',
      ok: n > 0,
      detail: `${n} request(s) redirected to a down node${spans && ` (${spans})`}`,
    };
  }
  if ('violation' in x)
    return {
      text: `the checker finds ${CHECK_NAMES[x.violation]} (${x.violation})`,
      ok: r.violation?.check === x.violation,
      detail: foundDetail(r, x.violation),
    };
  if ('newTerms' in x) {
    const n = newTerms(r);
    return timing(r, `leadership changes hands ${x.newTerms} time(s)`, n === x.newTerms, `${n} new term(s)`);
  }
  return timing(
    r,
    `downtime at most ${x.downtimeAtMostMs} ms`,
    r.downtimeMs <= x.downtimeAtMostMs,
    `clients went ${r.downtimeMs} ms without a successful answer`,
  );
}

/** Every expectation of a scenario, plus the implied ones: no violation and no lost write unless a violation is expected. */
export function judgeScenario(r: DrillResult, expectations: readonly FinalExpectation[]): ExpectationResult[] {
  const out: ExpectationResult[] = [];
  const wantsViolation = expectations.some((x) => typeof x === 'object' && 'violation' in x);
  if (!wantsViolation) {
    out.push({
      text: 'no checker violation (C1–C6)',
      ok: !r.violation,
      detail: r.violation ? `${r.violation.check}${r.violation.unknown ? ' (unknown)' : ''}: ${violationMessage(r)}` : 'none',
    });
    out.push({ text: 'no acknowledged write lost', ok: r.lostWrites === 0, detail: `${r.lostWrites} lost` });
  }
  for (const p of r.probes) {
    const text = p.that === 'no-active' ? `no active at ${seconds(p.at)}` : `exactly one active at ${seconds(p.at)}`;
    out.push({ ...timing(r, text, p.ok, p.detail), why: p.why });
  }
  for (const x of expectations) out.push(judge(r, x));
  return out;
}
