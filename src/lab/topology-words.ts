/**
 * A topology in words, for `up`'s banner: its name, zones, and the spread of its one-way
 * latencies inside zones, between zones and to the clients.
 */
import type { LinkSettings, Topology } from '../net/index.ts';

/** Sub-millisecond figures matter here (0.05 ms inside a zone): up to three decimals. */
function ms(value: number): string {
  return `${Number(value.toFixed(3))} ms`;
}

/** "0.1 ms", or "0.5–1 ms" when the links differ; "± jitter" when any has some. */
function spread(links: readonly LinkSettings[]): string {
  const latencies = links.map((l) => l.latencyMs);
  const [low, high] = [Math.min(...latencies), Math.max(...latencies)];
  const jitter = Math.max(...links.map((l) => l.jitterMs));
  const range = low === high ? ms(low) : `${Number(low.toFixed(3))}–${ms(high)}`;
  return jitter > 0 ? `${range} (± up to ${ms(jitter)})` : range;
}

/** "topology three-zones: zones z1, z2, z3; one-way latency 0.1 ms inside a zone, 0.5–1 ms between zones, 10 ms to clients; storage in z1". */
export function describeTopology(t: Topology): string {
  const parts = [`${spread(Object.values(t.inside))} inside a zone`];
  const between = Object.values(t.between);
  if (between.length > 0) parts.push(`${spread(between)} between zones`);
  parts.push(`${spread(Object.values(t.clients))} to clients`);
  return `topology ${t.name}: zones ${t.zones.join(', ')}; one-way latency ${parts.join(', ')}; storage in ${t.storageZone}`;
}
