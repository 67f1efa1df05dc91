/** The events a node reports to whoever composes it (the lab's timeline, the drills' history). */

/** One entry of a node's event stream. */
export type NodeEvent =
  | { type: 'state'; node: string; time: number; from: string; to: string }
  | { type: 'unseal-progress'; node: string; time: number; progress: number; threshold: number }
  | { type: 'lock'; node: string; time: number; event: 'acquired' | 'lost' | 'released'; term: number; detail?: string }
  | { type: 'fenced'; node: string; time: number; term: number; key: string };

/** A subscriber to node events. */
export type NodeEventListener = (e: NodeEvent) => void;
