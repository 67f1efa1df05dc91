/** Where the CLI's words go: data on stdout, errors and warnings on stderr (coloured only on a TTY that allows it). */
import { createRequire } from 'node:module';
import { ApiError, ConnectError } from './client.ts';
import { columnize } from './columnize.ts';

/** The output format chosen by -format or VAULT_FORMAT. */
export type Format = 'table' | 'json' | 'yaml';

/** Validates a format name (Vault: "Invalid output format: X", exit 1; `yml` is `yaml`). */
export function parseFormat(v: string | undefined): Format {
  const f = (v ?? process.env.VAULT_FORMAT ?? 'table').toLowerCase();
  if (f === 'yml') return 'yaml';
  if (f !== 'table' && f !== 'json' && f !== 'yaml') throw new UsageError(`Invalid output format: ${f}`);
  return f;
}

/** Runs a command body and exits with its code: main.ts's runner, handed to every module's register function. */
export type Run = (fn: () => Promise<number>) => void;

/** A local mistake: bad flags or arguments (exit 1). */
export class UsageError extends Error {}

const colour = process.stderr.isTTY && !process.env.NO_COLOR && !process.env.VAULT_CLI_NO_COLOR;

/** Prints a line on stdout. */
export function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** The YAML printer, loaded on the first YAML output only: most runs print a table or JSON, and start-up time counts. */
function toYaml(v: unknown, opts: { sortMapEntries: boolean }): string {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).stringify(v, opts);
}

/** Data as JSON or YAML text; Vault's YAML is its JSON converted, keys sorted (ghodss/yaml). */
export function dataText(v: unknown, format: Exclude<Format, 'table'>): string {
  if (format === 'json') return JSON.stringify(v, null, 2);
  return toYaml(JSON.parse(JSON.stringify(v ?? null)), { sortMapEntries: true }).replace(/\n$/, '');
}

/** Prints data as JSON or YAML. */
export function outData(v: unknown, format: Format): void {
  out(dataText(v, format === 'table' ? 'json' : format));
}

/** Prints a LIST answer's keys: a one-column Keys table, or the array as JSON or YAML (Vault's OutputList). */
export function outKeys(keys: string[], format: Format): void {
  if (format !== 'table') return outData(keys, format);
  out(
    columnize(
      ['Keys'],
      keys.map((k) => [k]),
    ),
  );
}

/** Prints an error on stderr, red on a TTY. */
export function err(text: string): void {
  process.stderr.write(colour ? `\u001b[31m${text}\u001b[0m\n` : `${text}\n`);
}

/** Prints a warning on stderr, yellow on a TTY. */
export function warn(text: string): void {
  process.stderr.write(colour ? `\u001b[33m${text}\u001b[0m\n` : `${text}\n`);
}

/** Prints a single field raw: no trailing newline when piped (Vault's PrintRaw). */
export function outRaw(v: unknown): void {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  process.stdout.write(process.stdout.isTTY ? `${s}\n` : s);
}

/** Maps an error to Vault's exit codes: 2 for a server answer or a connection failure, 1 for local mistakes. */
export function reportError(e: unknown): number {
  if (e instanceof ApiError || e instanceof ConnectError) {
    err(e.message);
    return 2;
  }
  err(`Error: ${(e as Error).message}`);
  return 1;
}
