/**
 * Vault's flags are Go flags: one dash, `-format=json`, and they may follow the
 * arguments. commander expects `--format`, so before parsing every `-word` (two or more
 * letters) becomes `--word`; single letters, `-`, `--`, negative numbers and everything
 * after `--` stay as they are. commander's errors then quote the rewritten form, so
 * quoteAsTyped puts back what the user typed. A Go boolean flag also takes a value
 * (`-tls-skip-verify=false`), which commander's switches do not: withGoBooleans turns it
 * into the switch or its negation.
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

/** Go's strconv.ParseBool, which Go's flag package (and the vault CLI's environment variables) read booleans with. */
export function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** Go's flag package's refusal of a boolean flag's value it cannot parse. */
export class GoBoolFlagError extends Error {}

/**
 * `--name=VALUE` for a switch (`switches`: its long names, `--name`) becomes `--name` when VALUE
 * is true and `--no-name` when it is false, as Go's flag package reads `-name=false`: the
 * switch is off even where an environment variable would turn it on. Other arguments and
 * everything after `--` stay as they are.
 */
export function withGoBooleans(argv: string[], switches: ReadonlySet<string>): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, i) => {
    const eq = arg.indexOf('=');
    if ((end >= 0 && i > end) || !arg.startsWith('--') || eq < 0 || !switches.has(arg.slice(0, eq))) return arg;
    const name = arg.slice(2, eq);
    const value = parseGoBool(arg.slice(eq + 1));
    if (value === undefined)
      throw new GoBoolFlagError(`invalid boolean value ${JSON.stringify(arg.slice(eq + 1))} for -${name}: parse error`);
    return value ? `--${name}` : `--no-${name}`;
  });
}
