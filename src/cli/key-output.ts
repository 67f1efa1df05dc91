/**
 * What `vault operator rotate|key-status|rekey|generate-root` print (command/operator_*.go):
 * headerless columns (Vault's columnOutput), Key/Value tables for rekey (tableOutput), text
 * wrapped at 80 columns (WrapAtLength) and times in Go's RFC822.
 */
import { ApiError, ConnectError } from './client.ts';
import { kvTable } from './columnize.ts';

/** Vault's columnOutput: rows of cells glued with 4 spaces, no header, `n/a` for an empty cell. */
export function columnOutput(rows: Array<[string, unknown]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}    ${v === '' || v === undefined || v === null ? 'n/a' : String(v)}`).join('\n');
}

/** A Key/Value table (Vault's tableOutput with a "Key | Value" header). */
export function keyValueTable(rows: Array<[string, unknown]>): string {
  return kvTable(rows);
}

/** Greedy word wrap at 80 columns (Vault's WrapAtLength). */
export function wrapAtLength(text: string, limit = 80): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > limit) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC822 in UTC: `02 Jan 06 15:04 UTC`. */
export function rfc822(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** `Key Term`, `Install Time`, `Encryption Count`, as printKeyStatus prints sys/key-status. */
export function keyStatusText(ks: { term: number; install_time: string; encryptions?: number }): string {
  const rows: Array<[string, unknown]> = [
    ['Key Term', ks.term],
    ['Install Time', rfc822(ks.install_time)],
  ];
  if (ks.encryptions !== undefined) rows.push(['Encryption Count', ks.encryptions]);
  return columnOutput(rows);
}

/** Runs a request and, when the server refuses it, puts Vault's `Error …: ` in front of the API error. */
export async function step<T>(prefix: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError || e instanceof ConnectError) e.message = `${prefix}: ${e.message}`;
    throw e;
  }
}

/** All of stdin (a share piped in with `-`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
