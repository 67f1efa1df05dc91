/**
 * What a drill's clients share and how one request ended: the types the client loop, its
 * in-process routes and its route through a balancer all speak.
 */
import type { Clock } from '../clock/index.ts';
import type { Cluster } from '../lab/index.ts';
import type { ClientRoute } from './drill-spec.ts';
import type { History, Outcome } from './history.ts';
import type { HttpTransport } from './http-transport.ts';

/** What the clients of one drill share. */
export interface ClientEnv {
  cluster: Cluster;
  clock: Clock;
  history: History;
  token: string;
  /** Set in real time: requests go over HTTP to any node (standbys forward, or redirect with the 'redirect' route). */
  transport?: HttpTransport;
  /** How the clients reach the active (default 'active'; see ClientRoute). */
  route?: ClientRoute;
  rnd: () => number;
  keys: number;
  thinkMs: [number, number];
  /** A client stops waiting after this and records the outcome as unknown. */
  timeoutMs: number;
  /** While a node is paused, when it wakes (its requests wait for that). */
  wakeOf?: (node: string) => Promise<void> | undefined;
}

/** Request counts by outcome. */
export interface ClientTally {
  ok: number;
  failed: number;
  unknown: number;
}

/** How one request ended, as the client records it. */
export type Answer = { outcome: Outcome; value?: string | null; version?: number; status?: number | string; error?: string };
