/**
 * Durations as Vault's flags take them (Go's time.ParseDuration): a sequence of decimal
 * numbers, each with a unit, as in "1s", "500ms", "1m30s", "1.5s". Vault's own knobs
 * (Consul's session_ttl and lock_wait_time) are written this way.
 */

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a Go duration, or undefined when the text is not one (a bare number has no unit: not one). */
export function parseGoDuration(text: string): number | undefined {
  if (!/^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|ms|s|m|h)(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|ms|s|m|h))*$/.test(text))
    return undefined;
  let ms = 0;
  for (const [, num, unit] of text.matchAll(/([0-9.]+)(ns|us|µs|ms|s|m|h)/g)) ms += Number(num) * UNIT_MS[unit];
  return Number.isFinite(ms) ? ms : undefined;
}

/** A duration for people: "500 ms", "1.5 s", "15 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(2))} s`;
}
