/**
 * The bench's ports from one base P (`--port-base P`): server process k (every storage and kind
 * the run starts, then the failover cluster) owns P + 100·k … P + 100·k + 99, where its cluster's
 * node i listens on + 10·i (API) and + 10·i + 1 (cluster) and the bare baseline route on + 90.
 * P = 0, the default, takes any free ports from the OS.
 */

/** The lowest base port, as `vaultlab up --base-port` has it: below it ports are privileged. */
export const MIN_BASE_PORT = 1024;

/** The ports one server process owns. */
export const SERVER_PORT_STRIDE = 100;

/** The baseline route's offset in a server's range: past the API and cluster ports of nine nodes. */
export const BASELINE_PORT_OFFSET = 90;

/** Ranges the bench hands out: sixteen server processes (four kinds × two storages × API TLS off and on) and the failover cluster. */
export const PORT_RANGES = 17;

/** The highest base port, so that every range ends at or below 65535. */
export const MAX_PORT_BASE = 65535 - PORT_RANGES * SERVER_PORT_STRIDE + 1;

/** Reads `--port-base`: 0 (any free ports) or a whole number from MIN_BASE_PORT to MAX_PORT_BASE; throws saying which. */
export function parsePortBase(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (n === 0 || (Number.isInteger(n) && n >= MIN_BASE_PORT && n <= MAX_PORT_BASE)) return n;
  throw new Error(
    `--port-base must be 0 (any free ports) or a whole number from ${MIN_BASE_PORT} to ${MAX_PORT_BASE} ` +
      `(the bench uses ${PORT_RANGES * SERVER_PORT_STRIDE} ports from it): got ${JSON.stringify(text)}`,
  );
}

/** The first port of range `k`, or 0 when the base is 0. */
export function rangeBase(base: number, k: number): number {
  return base === 0 ? 0 : base + k * SERVER_PORT_STRIDE;
}

/** The baseline route's port in a range starting at `first` (0: any free port). */
export function baselinePort(first: number): number {
  return first === 0 ? 0 : first + BASELINE_PORT_OFFSET;
}
