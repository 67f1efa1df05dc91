/** A Markdown table: a header row, its rule, then the rows (every bench report writes its tables through this). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((cells) => `| ${cells.join(' | ')} |`)];
}
