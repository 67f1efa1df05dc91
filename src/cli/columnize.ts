/** Vault's Key/Value tables (columnize): 4-space glue, a dash underline per header word, `n/a` for empty cells. */

/** Renders rows (the first is the header) as Vault prints them. */
export function columnize(header: string[], rows: Array<Array<string | number | boolean | null | undefined>>): string {
  const cells = [
    header,
    header.map((h) => '-'.repeat(h.length)),
    ...rows.map((r) => r.map((c) => (c === '' || c === null || c === undefined ? 'n/a' : String(c)))),
  ];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : (c ?? '').padEnd(widths[i])))
        .join('    ')
        .trimEnd(),
    )
    .join('\n');
}

/** A two-column Key/Value table. */
export function kvTable(pairs: Array<[string, unknown]>): string {
  return columnize(
    ['Key', 'Value'],
    pairs.map(([k, v]) => [k, formatValue(v)]),
  );
}

/** Vault's rendering of a value in a table cell: maps as map[k:v], lists as [a b]. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (typeof v === 'object')
    return `map[${Object.entries(v as object)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, x]) => `${k}:${formatValue(x)}`)
      .join(' ')}]`;
  return String(v);
}
