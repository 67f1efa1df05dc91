/**
 * What one node's API answered, by the path each request took through it: served here as the
 * active (direct), forwarded by this standby to the active, or redirected with a 307, and how
 * long each took here. The lab's event stream reads it for the dashboard's arrows and counts.
 *
 * It counts only while someone watches (`on`), and only then listens: turning it on adds a
 * listener to the HTTP server's own `request` event, turning it off removes it, so a lab with
 * no dashboard open runs exactly the request path it runs without one. A fastify hook would not
 * do: an installed hook costs every response even when it returns at once (about 5 % of KV reads,
 * bench/results/dashboard).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The path a request took through the node that received it. */
export type RequestRoute = 'direct' | 'forwarded' | 'redirected';

/** The routes, in the order the dashboard lists them. */
const REQUEST_ROUTES: readonly RequestRoute[] = ['direct', 'forwarded', 'redirected'];

/** One route's totals since counting began. */
export interface RouteTally {
  /** Answers below 500 (a 4xx is the client's mistake, answered: the path worked). */
  ok: number;
  /** 5xx answers: the node could not serve (sealed, no active, forwarding failed). */
  failed: number;
  /** The median time to answer (ms) of the latest answers, or null before any. */
  p50_ms: number | null;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** How many recent latencies each route keeps for its median. */
const RECENT = 256;

/** One node's request counts, by route. */
export class RequestTally {
  private counting = false;
  private readonly servers = new Set<Server>();
  /** Requests the standby handler sent on to the active, while counting (read once they are answered). */
  private readonly forwarded = new WeakSet<IncomingMessage>();
  private readonly totals = new Map<RequestRoute, { ok: number; failed: number; recent: number[]; next: number }>(
    REQUEST_ROUTES.map((r) => [r, { ok: 0, failed: 0, recent: [], next: 0 }]),
  );

  /** Whether it counts (the lab turns it on while its event stream has a watcher). */
  get on(): boolean {
    return this.counting;
  }

  set on(on: boolean) {
    if (on === this.counting) return;
    this.counting = on;
    for (const server of this.servers) {
      if (on) server.prependListener('request', this.listener);
      else server.off('request', this.listener);
    }
  }

  /** Marks a request this standby forwards; nothing while not counting (the forwarding path stays as it was). */
  markForwarded(req: FastifyRequest): void {
    if (this.counting) this.forwarded.add(req.raw);
  }

  /**
   * Counts the answers of `server` while on: a 307 is a redirect, a request the standby handler
   * marked is forwarded, anything else was answered here.
   */
  watch(server: Server): void {
    this.servers.add(server);
    if (this.counting) server.prependListener('request', this.listener);
  }

  /** The request listener: times the request to its last byte and files it under its route. */
  private readonly listener: RequestListener = (req, res) => {
    const start = performance.now();
    res.once('finish', () => {
      const route: RequestRoute = res.statusCode === 307 ? 'redirected' : this.forwarded.has(req) ? 'forwarded' : 'direct';
      this.record(route, res.statusCode, performance.now() - start);
    });
  };

  /** Counts one answer. */
  record(route: RequestRoute, status: number, ms: number): void {
    const t = this.totals.get(route)!;
    if (status >= 500) t.failed++;
    else t.ok++;
    // A ring of the latest latencies: the median of what is happening now, in bounded memory.
    t.recent[t.next] = ms;
    t.next = (t.next + 1) % RECENT;
  }

  /** Each route's totals and recent median. */
  snapshot(): Record<RequestRoute, RouteTally> {
    const out = {} as Record<RequestRoute, RouteTally>;
    for (const [route, t] of this.totals) {
      const sorted = [...t.recent].sort((a, b) => a - b);
      const p50 = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
      out[route] = { ok: t.ok, failed: t.failed, p50_ms: p50 === null ? null : Math.round(p50 * 1000) / 1000 };
    }
    return out;
  }
}
