/**
 * The rules for what a lab verb may be given, as pure functions over the lab's node names:
 * the CLI runs them before it dials the lab (a clear local error, exit 1) and the control
 * server runs them again on every body (400, nothing changed), so a typo can neither start
 * a fault that never ends nor touch the wrong thing.
 */
import { invalidInput } from './control-errors.ts';
import { FAULT_SHAPES, LAB_FAULTS, type FaultShape, type LabFault } from './fault-kinds.ts';

/** The longest fault the lab will time (one hour): longer than any lesson, far below Node's timer limit. */
export const MAX_FAULT_MS = 3_600_000;

/** The target of the storage-wide faults. */
export const STORAGE_TARGET = 'storage';

/** The target of a step-down: whichever node is active. */
export const ACTIVE_TARGET = 'active';

/** A fault request once checked. */
export interface FaultRequest {
  node: string;
  kind: LabFault;
  durationMs?: number;
}

/** The node name itself, if it names a node of the lab. */
export function checkNodeName(node: unknown, nodes: readonly string[]): string {
  if (typeof node !== 'string' || node === '') throw invalidInput(`a node name is required (one of ${nodes.join(', ')})`);
  if (!nodes.includes(node)) throw invalidInput(`no node named ${JSON.stringify(node)} in this lab (nodes: ${nodes.join(', ')})`);
  return node;
}

/** The fault kind itself, if it is one of LAB_FAULTS. */
export function checkFaultKind(kind: unknown): LabFault {
  if (typeof kind !== 'string' || !Object.hasOwn(FAULT_SHAPES, kind)) {
    throw invalidInput(`unknown fault ${JSON.stringify(kind)} (one of ${LAB_FAULTS.join(', ')})`);
  }
  return kind as LabFault;
}

const DURATION_RULE = `a whole number of milliseconds from 1 to ${MAX_FAULT_MS}`;

function isDurationMs(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_FAULT_MS;
}

/** A duration on the wire: a whole number of ms from 1 to MAX_FAULT_MS. */
export function checkDurationMs(v: unknown): number {
  if (!isDurationMs(v))
    throw invalidInput(`duration_ms must be ${DURATION_RULE}, not ${typeof v === 'number' ? String(v) : JSON.stringify(v)}`);
  return v;
}

/** A duration as typed on the command line ("500"): digits only, then the same range. */
export function parseDurationFlag(s: string): number {
  const n = /^[0-9]{1,10}$/.test(s) ? Number(s) : NaN;
  if (!isDurationMs(n)) throw invalidInput(`--duration must be ${DURATION_RULE}, not ${JSON.stringify(s)}`);
  return n;
}

/** Checks a whole fault request against the fault's shape and the lab's nodes. */
export function checkFault(node: unknown, kind: unknown, durationMs: unknown, nodes: readonly string[]): FaultRequest {
  const k = checkFaultKind(kind);
  const shape: FaultShape = FAULT_SHAPES[k];
  const target = checkTarget(k, shape, node, nodes);
  if (durationMs === undefined) return { node: target, kind: k };
  if (!shape.timed) throw invalidInput(`${k} does not take a duration (it does not end by itself)`);
  return { node: target, kind: k, durationMs: checkDurationMs(durationMs) };
}

function checkTarget(kind: LabFault, shape: FaultShape, node: unknown, nodes: readonly string[]): string {
  if (shape.on === 'storage') {
    if (node !== STORAGE_TARGET)
      throw invalidInput(
        `${kind} acts on all of storage: give ${JSON.stringify(STORAGE_TARGET)} as its target, not ${JSON.stringify(node)}`,
      );
    return STORAGE_TARGET;
  }
  if (shape.on === 'active' && node === ACTIVE_TARGET) return ACTIVE_TARGET;
  if (node === STORAGE_TARGET || node === ACTIVE_TARGET) {
    throw invalidInput(`${kind} acts on one node: give a node name (${nodes.join(', ')}), not ${JSON.stringify(node)}`);
  }
  return checkNodeName(node, nodes);
}

/** The body of a POST as an object with only the allowed fields (an empty body is `{}`). */
export function checkFields(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidInput('the request body must be a JSON object');
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length) {
    throw invalidInput(
      `unexpected field${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (this action takes none)'}`,
    );
  }
  return body as Record<string, unknown>;
}

/** A share as typed into the dashboard: a string no longer than any share Vault prints (the node parses it). */
export function checkShare(key: unknown): string {
  if (typeof key !== 'string' || key.trim() === '') throw invalidInput('an unseal key share is required');
  if (key.length > 256) throw invalidInput('an unseal key share is at most 256 characters');
  return key.trim();
}
