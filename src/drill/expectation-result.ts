/** What judging one expectation of a scenario gives: the expectation in words, whether it held, and what was seen. */

/** One judged expectation. */
export interface ExpectationResult {
  text: string;
  ok: boolean;
  detail: string;
  /** True when only reported (a timing expectation on wall-clock time). */
  reportedOnly?: boolean;
  /** Why it holds when what was seen looks as if it should not (two nodes claiming active, one paused). */
  why?: string;
}
