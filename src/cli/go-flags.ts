/**
 * Vault's flags are Go flags: one dash, `-format=json`, and they may follow the
 * arguments. commander expects `--format`, so before parsing every `-word` (two or more
 * letters) becomes `--word`; single letters, `-`, `--`, negative numbers and everything
 * after `--` stay as they are.
 */

/** Rewrites Go-style long flags into commander's double-dash form. */
export function normalizeGoFlags(argv: string[]): string[] {
  const out: string[] = [];
  let rest = false;
  for (const arg of argv) {
    if (rest || arg === '--') {
      rest = true;
      out.push(arg);
    } else if (/^-[A-Za-z][A-Za-z0-9_-]+(=.*)?$/s.test(arg)) out.push(`-${arg}`);
    else out.push(arg);
  }
  return out;
}
