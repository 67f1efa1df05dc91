/**
 * go-metrics' AggregateSample: what Vault's JSON metrics report for a timer or a counter
 * (count, sum, min, max, mean, standard deviation, rate). Prometheus summaries do not keep
 * min, max or the sum of squares, so the JSON format keeps its own.
 */

/** One metric's observations so far. */
export class SampleAggregate {
  count = 0;
  sum = 0;
  private sumSq = 0;
  min = 0;
  max = 0;

  add(v: number): void {
    if (this.count === 0 || v < this.min) this.min = v;
    if (this.count === 0 || v > this.max) this.max = v;
    this.count++;
    this.sum += v;
    this.sumSq += v * v;
  }

  get mean(): number {
    return this.count ? this.sum / this.count : 0;
  }

  /** The sample standard deviation, as go-metrics computes it (0 below two observations). */
  get stddev(): number {
    const div = this.count * (this.count - 1);
    if (div === 0) return 0;
    return Math.sqrt(Math.max(0, this.count * this.sumSq - this.sum * this.sum) / div);
  }
}
