/**
 * The forwarding-vs-redirect matrix: which routes a client's KV read can take to the active,
 * across the distances and connection habits that decide their cost, and the cost model the
 * measurements are held against.
 *
 * The model counts round trips. A request on an open connection is one round trip over the
 * path it takes; a new connection first pays TCP's handshake (one more) and, with TLS 1.3, one
 * for TLS. A standby's forward adds one round trip between nodes (its cluster connection is
 * pooled, mutual TLS set up once); a redirect makes the client ask twice; the layer-4 balancer
 * puts its link to the node in series with the client's, handshakes included. What the nodes
 * themselves spend (the route's CPU, the balancer's copy) is not modelled: each route's cell at
 * the smallest distances is measured, and the model adds the network's part to it.
 */

/** How a client's request reaches the active. */
export type Route = 'direct' | 'forward' | 'redirect' | 'lb-active' | 'lb-standby-ok';

/** The routes, in the order tables and charts show them. */
export const ROUTES: readonly Route[] = ['direct', 'forward', 'redirect', 'lb-active', 'lb-standby-ok'];

/** What each route is, in words. */
export const ROUTE_WORDS: Record<Route, string> = {
  direct: 'direct to the active',
  forward: 'via a standby that forwards',
  redirect: 'via a standby that answers 307 (the client follows)',
  'lb-active': 'via the balancer, only the active in rotation',
  'lb-standby-ok': 'via the balancer, standbys in rotation (they forward)',
};

/** One cell: a route at a client distance and an intra-cluster distance, with or without TLS, pooled or not. */
export interface Cell {
  route: Route;
  /** Round trip between the clients and the cluster (ms). */
  clientRttMs: number;
  /** Round trip between two nodes, and between the balancer and a node (ms). */
  intraRttMs: number;
  tls: boolean;
  /** A new connection per request (no keep-alive), else one pool of open connections. */
  newConnections: boolean;
}

/** The axes of a run. */
export interface Grid {
  clientRttMs: number[];
  intraRttMs: number[];
  tls: boolean[];
  newConnections: boolean[];
}

/** The whole matrix: 5 routes × 3 client distances × 2 intra-cluster distances × TLS off/on × pooled/new = 120 cells. */
export const FULL_GRID: Grid = { clientRttMs: [0.1, 5, 20], intraRttMs: [0.2, 2], tls: [false, true], newConnections: [false, true] };

/** --quick: the nearest and farthest clients, the far intra-cluster distance (40 cells). */
export const QUICK_GRID: Grid = { clientRttMs: [0.1, 20], intraRttMs: [2], tls: [false, true], newConnections: [false, true] };

/**
 * A lab the matrix starts: a distance pair, TLS, and the balancer's mode. A lab whose balancer
 * passes only the active serves the direct, forward, redirect and lb-active cells; one whose
 * balancer passes standbys serves lb-standby-ok.
 */
export interface LabSpec {
  clientRttMs: number;
  intraRttMs: number;
  tls: boolean;
  balancer: 'active' | 'standby-ok';
}

/** What the lab tells its parent once it is ready. */
export interface MatrixLabReady {
  type: 'ready';
  active: string;
  standby: string;
  balancer: string;
  token: string;
  /** The CA certificate (PEM) over TLS. */
  ca?: string;
}

/** The secret every cell reads. */
export const MATRIX_SECRET = 'matrix';

/** The routes a lab of this balancer mode serves. */
export function routesOf(balancer: LabSpec['balancer']): Route[] {
  return balancer === 'active' ? ['direct', 'forward', 'redirect', 'lb-active'] : ['lb-standby-ok'];
}

/** Every lab of a grid, in the order they run. */
export function labsOf(g: Grid): LabSpec[] {
  const labs: LabSpec[] = [];
  for (const tls of g.tls)
    for (const intraRttMs of g.intraRttMs)
      for (const clientRttMs of g.clientRttMs)
        for (const balancer of ['active', 'standby-ok'] as const) labs.push({ clientRttMs, intraRttMs, tls, balancer });
  return labs;
}

/** Round trips a new connection pays before its request: TCP's handshake, and TLS 1.3's. */
function handshakes(c: Cell): number {
  return c.newConnections ? 1 + (c.tls ? 1 : 0) : 0;
}

/** The network's part of a request's time on this route (ms), as the model counts it. */
export function networkMs(c: Cell): number {
  const trips = 1 + handshakes(c);
  const client = c.clientRttMs;
  const intra = c.intraRttMs;
  switch (c.route) {
    case 'direct':
      return trips * client;
    case 'forward':
      return trips * client + intra;
    case 'redirect':
      return 2 * trips * client;
    case 'lb-active':
      return trips * (client + intra);
    case 'lb-standby-ok':
      // Round-robin over three nodes: two connections in three land on a standby, so the median request is forwarded.
      return trips * (client + intra) + intra;
  }
}

/** The cell of the same route, TLS and connections at the grid's smallest distances: where the model takes the route's own cost. */
export function baseOf(c: Cell, g: Grid): Cell {
  return { ...c, clientRttMs: Math.min(...g.clientRttMs), intraRttMs: Math.min(...g.intraRttMs) };
}

/** The model's p50 (ms) for a cell: the base cell's measured p50 plus what the network adds between the two. */
export function predictedP50Ms(c: Cell, baseMeasuredMs: number, g: Grid): number {
  return baseMeasuredMs + networkMs(c) - networkMs(baseOf(c, g));
}

/** A cell's key in maps and JSON: "forward c5 i2 tls new". */
export function cellKey(c: Cell): string {
  return `${c.route} c${c.clientRttMs} i${c.intraRttMs} ${c.tls ? 'tls' : 'plain'} ${c.newConnections ? 'new' : 'pooled'}`;
}
