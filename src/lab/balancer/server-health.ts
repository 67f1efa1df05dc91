/**
 * One server's health as HAProxy counts it, so the built-in balancer and HAProxy agree on
 * when a node goes in and out. The count runs from 0 to rise + fall − 1; a server is up
 * while it is at least `rise`. A pass climbs one step and, on reaching `rise`, jumps to the
 * top (fully up); a failure steps down one, and at `rise` or below an up server goes down to
 * 0. A server starts up at `rise` exactly ("UP, going down"), as HAProxy starts servers
 * without `init-state`: it takes traffic at once and its first failed check takes it out.
 */
import type { BalancerCheck } from './check-settings.ts';

/** What one check found, in HAProxy's check_status words (L4CON: refused, L4TOUT/L7TOUT: timed out, L7STS: wrong status). */
export interface CheckResult {
  ok: boolean;
  status: 'L7OK' | 'L7STS' | 'L7TOUT' | 'L7RSP' | 'L6TOUT' | 'L6RSP' | 'L4CON' | 'L4TOUT';
  /** The HTTP status the node answered, if it answered. */
  code?: number;
}

/** A server's place in the count, as HAProxy's stats show it. */
export interface HealthView {
  up: boolean;
  /** As HAProxy's stats: "UP", "DOWN", "UP 2/3" (two failures from down, of fall 3), "DOWN 1/2" (one pass of rise 2). */
  status: string;
  /** The last check's result ("L7STS 429", "L4CON"); "" before the first. */
  lastCheck: string;
}

/** The HAProxy health count of one server. */
export class ServerHealth {
  private health: number;
  private last: CheckResult | undefined;

  constructor(private readonly check: Pick<BalancerCheck, 'fall' | 'rise'>) {
    this.health = check.rise;
  }

  get up(): boolean {
    return this.health >= this.check.rise;
  }

  /** Counts one check; returns 'up' or 'down' when the server changes state. */
  record(result: CheckResult): 'up' | 'down' | undefined {
    this.last = result;
    const { rise, fall } = this.check;
    const top = rise + fall - 1;
    const wasUp = this.up;
    if (result.ok) {
      if (this.health < top) this.health = this.health + 1 >= rise ? top : this.health + 1;
    } else if (this.health > rise) this.health--;
    else this.health = 0;
    if (this.up !== wasUp) return this.up ? 'up' : 'down';
    return undefined;
  }

  view(): HealthView {
    const { rise, fall } = this.check;
    const top = rise + fall - 1;
    const lastCheck = this.last ? `${this.last.status}${this.last.code === undefined ? '' : ` ${this.last.code}`}` : '';
    if (this.up) return { up: true, status: this.health === top ? 'UP' : `UP ${this.health - rise + 1}/${fall}`, lastCheck };
    return { up: false, status: this.health === 0 ? 'DOWN' : `DOWN ${this.health}/${rise}`, lastCheck };
  }
}
