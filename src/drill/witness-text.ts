/**
 * A witness (the shortest history that shows a violation) as lines a person can follow:
 * times relative to the drill's start and KV key names instead of storage paths.
 */
import { eventText, relativeTime, termHolders } from './event-text.ts';
import type { HistoryEvent, Invoke } from './history.ts';
import { drillKeys, keyNamer } from './key-names.ts';

/** Where a drill's times start and which keys it wrote, to name its events. */
export interface TextFrame {
  /** The clock time the story counts from (the start of the drill's load window). */
  start: number;
  /** How many keys the drill's clients wrote. */
  keys: number;
  /** The whole history, to name the writer of a term even when the witness leaves its acquisition out. */
  history?: readonly HistoryEvent[];
}

/** One line per event: "1.67 s  node2 took the lock (term 2)". */
export function witnessLines(events: readonly HistoryEvent[], f: TextFrame): string[] {
  const all = f.history ?? events;
  const ops = new Map<number, Invoke>();
  for (const e of all) if (e.kind === 'invoke') ops.set(e.op, e);
  const ctx = { name: keyNamer(drillKeys(f.keys)), holders: termHolders(all), ops };
  return events.map((e) => `${relativeTime(e.t, f.start).padStart(8)}  ${eventText(e, ctx)}`);
}

/** A message (a violation's) with its storage paths named as keys. */
export function nameKeys(message: string, keys: number): string {
  return keyNamer(drillKeys(keys))(message);
}
