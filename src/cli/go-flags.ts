/**
 * Vault's flags are Go flags: one dash, `-format=json`, and they may follow the
 * arguments. commander expects `--format`, so before parsing every `-word` (two or more
 * letters) becomes `--word`; single letters, `-`, `--`, negative numbers and everything
 * after `--` stay as they are. commander's errors then quote the rewritten form, so
 * quoteAsTyped puts back what the user typed.
 */

const GO_FLAG = /^-[A-Za-z][A-Za-z0-9_-]+(=.*)?$/s;

/** The arguments normalizeGoFlags rewrites: Go-style long flags before any `--`. */
function goStyleFlags(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).filter((a) => GO_FLAG.test(a));
}

/** Rewrites Go-style long flags into commander's double-dash form. */
export function normalizeGoFlags(argv: string[]): string[] {
  const rewrite = new Set(goStyleFlags(argv));
  const end = argv.indexOf('--');
  return argv.map((arg, i) => ((end < 0 || i < end) && rewrite.has(arg) ? `-${arg}` : arg));
}

/**
 * commander's message about a flag, as the user typed it: `unknown option '--feild'` becomes
 * `'-feild'` when the user wrote `-feild`, and then its "Did you mean" names `-field` too.
 */
export function quoteAsTyped(message: string, typed: string[]): string {
  let said = message;
  let goStyle = false;
  for (const flag of goStyleFlags(typed)) {
    if (!said.includes(`'-${flag}'`)) continue;
    said = said.split(`'-${flag}'`).join(`'${flag}'`);
    goStyle = true;
  }
  return goStyle ? said.replace(/\(Did you mean --([A-Za-z0-9_-]+)\?\)/, '(Did you mean -$1?)') : said;
}
