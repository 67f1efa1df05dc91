/**
 * Vault's configuration language, HCL version 1, through js-hcl-parser (a build of
 * hashicorp/hcl v1, the library Vault itself uses: the HCL2 parsers reject files Vault
 * accepts). The wrapper turns the parser's returned error string into a thrown error
 * with line and column, and folds HCL1's lists of single-key maps into plain objects.
 */
import hcl from 'js-hcl-parser';

/** A syntax error, with where it is. */
export class HclParseError extends Error {
  readonly code = 'HCL_PARSE';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** The parser's own structure (blocks as lists of single-key maps), or HclParseError. JSON input works too. */
export function parseHclRaw(text: string): Record<string, unknown> {
  const out = (hcl as { parse(s: string): string }).parse(text);
  let value: unknown;
  try {
    value = JSON.parse(out);
  } catch {
    const m = /At (\d+):(\d+): (.*)$/s.exec(out);
    throw new HclParseError(m ? `line ${m[1]}, column ${m[2]}: ${m[3]}` : out, m ? Number(m[1]) : 0, m ? Number(m[2]) : 0);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new HclParseError('expected an object at the top level', 1, 1);
  return value as Record<string, unknown>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Folds lists of objects into one object, recursively (later keys win, nested blocks merge). */
export function foldBlocks(v: unknown): unknown {
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every(isPlainObject)) {
      const merged: Record<string, unknown> = {};
      for (const item of v) {
        for (const [k, val] of Object.entries(foldBlocks(item) as Record<string, unknown>)) {
          merged[k] = isPlainObject(merged[k]) && isPlainObject(val) ? { ...(merged[k] as object), ...val } : val;
        }
      }
      return merged;
    }
    return v.map(foldBlocks);
  }
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, val]) => [k, foldBlocks(val)]));
  return v;
}

/** Parses HCL (or JSON) into plain nested objects: `storage "level" { path = "x" }` → `{ storage: { level: { path: "x" } } }`. */
export function parseHcl(text: string): Record<string, unknown> {
  return foldBlocks(parseHclRaw(text)) as Record<string, unknown>;
}
