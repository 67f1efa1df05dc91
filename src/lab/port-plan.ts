/**
 * Where a lab listens, from one base port: node i (1-based) serves its API on
 * base + 10·(i − 1) and its cluster listener one port up; the control endpoint sits at
 * base + 9 and the load balancer (`up --lb`) at base + 8, in the gap below node2, where no node's
 * port can land however many nodes run.
 */

/** The distance between two nodes' API ports. */
export const NODE_PORT_STRIDE = 10;

/** The control endpoint's offset from the base port. */
export const CONTROL_PORT_OFFSET = 9;

/** The load balancer's offset from the base port (`up --lb`): in the same gap as the control endpoint. */
export const BALANCER_PORT_OFFSET = 8;

/** The most nodes a lab runs: enough for any lesson, and every port within base … base + 81. */
export const MAX_NODES = 9;

/** The lowest base port (below it the ports are privileged). */
export const MIN_BASE_PORT = 1024;

/** Node `i`'s (0-based) API port; 0 when the base is 0 (any free port). */
export function nodeApiPort(base: number, i: number): number {
  return base === 0 ? 0 : base + NODE_PORT_STRIDE * i;
}

/** Node `i`'s (0-based) cluster listener port, one above its API port; 0 when the base is 0. */
export function nodeClusterPort(base: number, i: number): number {
  return base === 0 ? 0 : nodeApiPort(base, i) + 1;
}

/** The control endpoint's port; 0 when the base is 0. */
export function controlPort(base: number): number {
  return base === 0 ? 0 : base + CONTROL_PORT_OFFSET;
}

/** The balancer's port; 0 when the base is 0. */
export function balancerPort(base: number): number {
  return base === 0 ? 0 : base + BALANCER_PORT_OFFSET;
}

/** The highest port a lab of `nodes` nodes uses: the last node's cluster listener, or the control port. */
export function highestPort(base: number, nodes: number): number {
  return base + Math.max(NODE_PORT_STRIDE * (nodes - 1) + 1, CONTROL_PORT_OFFSET);
}

/** The port plan in words, for the banner. */
export function describePorts(base: number, nodes: number): string {
  if (base === 0) return 'ports: any free ones (--base-port 0)';
  const last = base + NODE_PORT_STRIDE * (nodes - 1);
  return `ports: node i API ${base} + 10·(i−1) (${base}${nodes > 1 ? `…${last}` : ''}), cluster API + 1, control ${controlPort(base)}`;
}
