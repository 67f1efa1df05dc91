/**
 * Which key each request of a load job reads or writes: uniform over N keys, or a Zipf hot set
 * over N keys (rank r drawn with probability ∝ 1 / r^s). Ranks are scattered over the key
 * names, so the hot keys are not the ones the preload wrote last (and left in the read cache).
 */

/** How a job picks its keys: `{key}` in its path becomes a number in 0 … count − 1. */
export type KeyChoice = { distribution: 'uniform'; count: number } | { distribution: 'zipf'; count: number; s: number };

/** A multiplier coprime with every key count the bench uses (it is prime and no count is a multiple of it). */
const SCATTER = 7919;

/** A function that returns the next key number, drawing from `random` (default Math.random). */
export function keyPicker(choice: KeyChoice, random: () => number = Math.random): () => number {
  const n = choice.count;
  if (!Number.isInteger(n) || n < 1) throw new Error(`a key space needs at least one key, got ${n}`);
  if (choice.distribution === 'uniform') return () => Math.floor(random() * n);
  const cdf = zipfCdf(n, choice.s);
  return () => (rankOf(cdf, random()) * SCATTER) % n;
}

/** The cumulative probability of ranks 0 … n − 1 under Zipf's law with exponent s. */
function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) cdf[r] = sum += 1 / (r + 1) ** s;
  for (let r = 0; r < n; r++) cdf[r] /= sum;
  return cdf;
}

/** The first rank whose cumulative probability reaches u (binary search). */
function rankOf(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A job's path with `{key}` replaced by the next key number. */
export function pathWithKey(template: string, next: (() => number) | undefined): string {
  return next ? template.replace('{key}', String(next())) : template;
}
