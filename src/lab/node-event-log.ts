/**
 * A node process's own record of what it saw, one JSON object per line: its state changes,
 * the lock as its storage client saw it change, and every write storage accepted from it or
 * fenced (with etcd's revision, storage's order across processes), and each renewal of its
 * lease (the dashboard's lease bar). A process lab's drills check histories built from these
 * files, as an in-process drill checks storage's events, and its dashboard follows them.
 * Each line is appended before the next event, so a SIGKILL loses at most the event in flight.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { VaultNode } from '../node/index.ts';
import type { StorageEvent, StorageListener } from '../storage/index.ts';

/** One line of a node's event log (`t`: ms since the epoch on the node's clock, the machine's). */
export type NodeLogEvent =
  | { t: number; kind: 'state'; node: string; from: string; to: string }
  | { t: number; kind: 'lock'; node: string; event: 'acquired' | 'renewed' | 'released' | 'lost' | 'expired'; term: number }
  | { t: number; kind: 'storageWrite'; node: string; key: string; term?: number; revision?: number }
  | { t: number; kind: 'fenced'; node: string; key: string; term: number; currentTerm: number };

/** What a node's event log listens to. */
export interface EventSources {
  node: VaultNode;
  /** Storage, when it reports events (the etcd and embedded backends do). */
  backend: object;
}

/** The log line of a storage event, or undefined for what the log leaves out (other keys' locks, health). */
function fromStorage(e: StorageEvent, node: string, t: number): NodeLogEvent | undefined {
  if (e.type === 'write') return { t, kind: 'storageWrite', node, key: e.key, term: e.term, revision: e.revision };
  if (e.type === 'fenced') return { t, kind: 'fenced', node, key: e.key, term: e.term, currentTerm: e.currentTerm };
  if (e.type === 'lock') return { t, kind: 'lock', node, event: e.event, term: e.term };
  return undefined;
}

/** Appends every event of `name` to `file` from now on; returns the function that stops it. */
export function writeNodeEventLog(file: string, name: string, from: EventSources): () => void {
  const append = (e: NodeLogEvent | undefined) => e && appendFileSync(file, `${JSON.stringify(e)}\n`);
  const stopState = from.node.onEvent((e) => {
    if (e.type === 'state') append({ t: Date.now(), kind: 'state', node: name, from: e.from, to: e.to });
  });
  const events = from.backend as { onEvent?(fn: StorageListener): () => void };
  const stopStorage = events.onEvent?.((e) => append(fromStorage(e, name, Date.now())));
  return () => (stopState(), stopStorage?.());
}

/** Every event a log holds (a torn last line, from a SIGKILL mid-write, is left out). */
export function readNodeEventLog(file: string): NodeLogEvent[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return parseNodeLogLines(text.split('\n'));
}

/** The events of whole log lines (a line that is not JSON, the torn tail of a killed process, is left out). */
export function parseNodeLogLines(lines: readonly string[]): NodeLogEvent[] {
  const out: NodeLogEvent[] = [];
  for (const line of lines) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as NodeLogEvent);
    } catch {
      // The torn tail of a killed process.
    }
  }
  return out;
}
