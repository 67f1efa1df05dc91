/**
 * A load balancer in front of the lab's nodes, the contract both implementations keep (the
 * built-in one and Debian's HAProxy): layer 4 (TCP, TLS passed through to the nodes, as
 * Vault's guides recommend), round-robin over the servers whose health check passes, a
 * connection refused when none does, and a server's open connections shut when it is marked
 * down (HAProxy's `on-marked-down shutdown-sessions`), so a pooled client moves on too.
 */
import type { BalancerCheck, BalancerKind, BalancerMode } from './check-settings.ts';

/** One server as the balancer sees it, HAProxy's stats' words. */
export interface BalancerServerView {
  name: string;
  /** Whether it takes new connections now. */
  up: boolean;
  /** "UP", "DOWN", "UP 2/3", "DOWN 1/2". */
  status: string;
  /** The last check's result: "L7OK 200", "L7STS 429", "L4CON"; "" before the first. */
  lastCheck: string;
  /** Connections sent to it so far, and open now. */
  sessions: { total: number; current: number };
}

/** A running balancer. */
export interface Balancer {
  readonly kind: BalancerKind;
  readonly mode: BalancerMode;
  readonly check: BalancerCheck;
  /** Where it listens (behind the clients' link when the lab has a topology). */
  readonly address: { host: string; port: number };
  /** Each server, in the order they were given. */
  servers(): Promise<BalancerServerView[]>;
  close(): Promise<void>;
}
