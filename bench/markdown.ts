/** The Markdown pieces every bench report writes with: tables, and a spread of repeats as one cell. */
import type { Spread } from './summary.ts';

/** A Markdown table: a header row, its rule, then the rows. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((cells) => `| ${cells.join(' | ')} |`)];
}

const int = (x: number) => String(Math.round(x));

/** `median (min–max)`, each formatted by `f`; a single repeat is just its value. */
export function spreadText(s: Spread, f: (x: number) => string = int): string {
  return s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}
