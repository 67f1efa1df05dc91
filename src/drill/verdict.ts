/**
 * A drill's verdict in words. A violation the scenario set out to show (the unfenced
 * zombie leader's split brain) is the lesson, not a failure, and says so; any other
 * violation is reported as one. Storage paths in the checker's message become key names.
 */
import type { CheckId } from './checker.ts';
import type { DrillResult } from './drill-runner.ts';
import { nameKeys } from './witness-text.ts';

/** What each check finds when it fails, in the words a Vault operator would use. */
export const CHECK_NAMES: Readonly<Record<CheckId, string>> = {
  C1: 'a lock term going backwards',
  C2: 'split brain',
  C3: 'two actives at once',
  C4: 'a lost write',
  C5: 'a stale or invented read',
  C6: 'no new active in time',
};

/** The violation's message with storage paths named as the keys the clients wrote. */
export function violationMessage(r: DrillResult): string {
  return r.violation ? nameKeys(r.violation.message, r.spec.keys) : '';
}

/** The message without a leading name of its check ("split brain: ..."), for a line that already names it. */
function withoutCheckName(r: DrillResult): string {
  const name = `${CHECK_NAMES[r.violation!.check]}: `;
  const m = violationMessage(r);
  return m.startsWith(name) ? m.slice(name.length) : m;
}

/** The detail of the expected violation's line: its message, or which other violation came instead. */
export function foundDetail(r: DrillResult, expected: CheckId): string {
  if (!r.violation) return 'no violation';
  return r.violation.check === expected ? withoutCheckName(r) : `${r.violation.check} instead: ${violationMessage(r)}`;
}

/** Whether the drill found exactly the violation its scenario expects. */
export function foundExpected(r: DrillResult, expected: CheckId | undefined): boolean {
  return expected !== undefined && r.violation?.check === expected;
}

/** The words for a violation found on purpose: "EXPECTED: split brain found (C2) — this is the lesson". */
export function lesson(check: CheckId): string {
  return `EXPECTED: ${CHECK_NAMES[check]} found (${check}) — this is the lesson`;
}

/** "no violations", "EXPECTED: split brain found (C2) — this is the lesson: ...", or "VIOLATION C3: ...". */
export function verdict(r: DrillResult, expected?: CheckId): string {
  const v = r.violation;
  if (!v) return expected ? `no violations, although ${CHECK_NAMES[expected]} (${expected}) was expected` : 'no violations';
  if (foundExpected(r, expected)) return `${lesson(v.check)}: ${withoutCheckName(r)}`;
  return `VIOLATION ${v.check}${v.unknown ? ' (unknown)' : ''}: ${violationMessage(r)}`;
}
