/**
 * What the balancer scenarios expect, judged from the history: the redirect loop (a standby's
 * 307 names the balancer the client came through, because every node advertises it), and a
 * node sealed behind the balancer taking requests until its checks take it out.
 */
import type { DrillResult } from './drill-runner.ts';
import { seconds } from './event-text.ts';
import { isComplete, type Complete, type HistoryEvent } from './history.ts';
import type { ExpectationResult } from './expectation-result.ts';

/** Some followed redirect named the address the client had asked. Asserted in both modes: it is what the lab is set up to show. */
export function redirectLoop(r: DrillResult): ExpectationResult {
  const redirected = r.history.events.filter((e): e is Complete => isComplete(e) && e.redirect !== undefined);
  const loops = redirected.filter((c) => c.redirect!.loop);
  const again = loops.filter((c) => c.status === 307).length;
  return {
    text: "a standby's redirect sends clients back to the balancer they came through (api_addr is the balancer): the redirect loop",
    ok: loops.length > 0,
    detail: `${loops.length} of ${redirected.length} followed redirect(s) named the balancer itself; ${again} ended on a second 307, which a client following one redirect gives up on`,
  };
}

/** A node's answers "Vault is sealed": 503 over HTTP, the node's own SEALED refusal in process. */
const sealedAnswer = (c: Complete) => c.status === 503 || c.status === 'SEALED';

/**
 * Requests keep landing on a node sealed behind the balancer until its checks take it out, and
 * none sent after that meets it. How many land in that window depends on timing: asserted in
 * virtual time, reported in real time.
 */
export function sealedBehindBalancer(r: DrillResult): ExpectationResult {
  const text = 'the balancer sends requests to a sealed node until its checks take it out, and none after';
  const ev = r.history.events;
  const seal = ev.find((e) => e.kind === 'fault' && e.name === 'seal' && e.on) as Extract<HistoryEvent, { kind: 'fault' }> | undefined;
  if (!seal) return { text, ok: false, detail: 'no node was sealed' };
  const out = ev.find((e) => e.kind === 'balancer' && e.node === seal.target && e.to === 'down' && e.t >= seal.t);
  if (out?.kind !== 'balancer') return { text, ok: false, detail: `the balancer never took ${seal.target} out` };
  const sentAt = new Map(ev.flatMap((e) => (e.kind === 'invoke' ? [[e.op, e.t] as const] : [])));
  const sealed = ev.filter((e): e is Complete => isComplete(e) && sealedAnswer(e));
  const before = sealed.filter((c) => sentAt.get(c.op)! >= seal.t && sentAt.get(c.op)! <= out.t).length;
  const after = sealed.filter((c) => sentAt.get(c.op)! > out.t).length;
  const detail = `${before} request(s) met the sealed ${seal.target} in the ${seconds(out.t - seal.t)} before the balancer took it out (${out.check}); ${after} sent after`;
  const ok = before > 0 && after === 0;
  return r.realTime
    ? { text, ok: true, detail: `${detail} (wall clock: reported, not asserted)`, reportedOnly: true }
    : { text, ok, detail };
}
