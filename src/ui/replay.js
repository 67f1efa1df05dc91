// @ts-check
/**
 * A drill report replayed: drill.json's `replay` turned into the stream's own messages, so a
 * replay draws through the live lab's model and views. Scrubbing to a time rebuilds the model
 * from the start up to it (a drill has a few thousand events: that takes a millisecond).
 */
import { LabModel } from './lab-model.js';

/**
 * @typedef {{ time: number, ok: number, failed: number, unknown: number }} RequestBucket
 * @typedef {{ nodes: string[], start: number, end: number, load_start: number,
 *   timings: { lock_ttl_ms: number, renew_interval_ms: number, lock_delay_ms: number },
 *   seal: { shares: number, threshold: number },
 *   events: import('./lab-model.js').TimelineEvent[], locks: import('./lab-model.js').LockMessage[],
 *   requests: RequestBucket[], bucket_ms: number }} DrillReplay
 * @typedef {{ name?: string, passed?: boolean, spec?: { seed?: number }, replay?: DrillReplay }} DrillReport
 */

/** Why a file is not a drill report the page can replay, or '' when it is one. @param {unknown} json */
export function reportProblem(json) {
  const r = /** @type {DrillReport} */ (json);
  if (!r || typeof r !== 'object') return 'the file is not a JSON object';
  const p = r.replay;
  if (!p) return 'the file is not a drill report with a replay (drill.json, written by `vaultlab drill` since the dashboard came)';
  if (
    !Array.isArray(p.nodes) ||
    !Array.isArray(p.events) ||
    !Array.isArray(p.locks) ||
    typeof p.start !== 'number' ||
    typeof p.end !== 'number'
  )
    return "the report's replay section is malformed";
  return '';
}

/** A drill report, ready to be looked at any time within it. */
export class ReplayPlayer {
  /** @param {DrillReport} report */
  constructor(report) {
    this.report = report;
    const p = /** @type {DrillReplay} */ (report.replay);
    this.replay = p;
    this.start = p.start;
    this.end = p.end;
    /** @type {import('./lab-model.js').StreamMessage[]} */
    this.messages = [
      ...p.events.map((e) => /** @type {const} */ ({ event: 'timeline', data: e })),
      ...p.locks.map((l) => /** @type {const} */ ({ event: 'lock', data: l })),
    ].sort((a, b) => a.data.time - b.data.time);
  }

  /** The report in one line: "kill-active (seed 7): PASS". */
  title() {
    const r = this.report;
    const verdict = r.passed === undefined ? '' : `: ${r.passed ? 'PASS' : 'FAIL'}`;
    return `${r.name ?? 'drill'}${r.spec?.seed === undefined ? '' : ` (seed ${r.spec.seed})`}${verdict}`;
  }

  /** The lab as it was at `time`. @param {number} time */
  modelAt(time) {
    const p = this.replay;
    const model = new LabModel();
    const first = (/** @type {string} */ node) => p.events.find((e) => e.node === node && e.type === 'state');
    model.apply({
      event: 'hello',
      data: {
        time: this.start,
        timings: p.timings,
        fencing: true,
        topology: null,
        timeline: [],
        status: {
          nodes: p.nodes.map((name) => ({
            name,
            api_address: '',
            initialized: null,
            sealed: null,
            t: p.seal.threshold,
            n: p.seal.shares,
            progress: 0,
            nonce: '',
            ha_mode: first(name)?.detail.split('→')[0].trim() ?? 'uninitialized',
            leader_address: '',
            term: 0,
            faults: [],
          })),
          lock: {
            held: false,
            holder: null,
            holder_address: null,
            term: null,
            lease_remaining_ms: null,
            ttl_ms: p.timings.lock_ttl_ms,
            renew_interval_ms: p.timings.renew_interval_ms,
          },
        },
      },
    });
    for (const m of this.messages) {
      if (m.data.time > time) break;
      model.apply(m);
    }
    model.requests = (p.requests ?? []).filter((b) => b.time <= time);
    model.requestBucketMs = p.bucket_ms ?? model.requestBucketMs;
    // Faults acting at `time`, as badges: each started and not yet ended.
    /** @type {Map<string, string[]>} */
    const acting = new Map();
    for (const e of p.events) {
      if (e.time > time || e.type !== 'fault') continue;
      const ends = e.detail.endsWith(' ends');
      const name = ends ? e.detail.slice(0, -' ends'.length) : e.detail;
      const now = (acting.get(e.node) ?? []).filter((f) => f !== name);
      acting.set(e.node, ends ? now : [...now, name]);
    }
    for (const [name, node] of model.nodes) model.nodes.set(name, { ...node, faults: acting.get(name) ?? [] });
    model.now = time;
    return model;
  }
}
