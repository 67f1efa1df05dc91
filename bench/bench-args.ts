/**
 * The command line of bench/run-bench.ts (what `vaultlab bench` passes on): `--name=value`
 * options and `--quick`. Every value is checked before anything starts, so a bad one ends the
 * run with a message and exit code 1, having changed nothing.
 */
import { API_TLS_MODES, CASES, type ApiTls } from './cases.ts';
import { parsePortBase } from './port-base.ts';
import type { BenchOptions } from './run-bench.ts';

const STORAGES = ['memory', 'level'] as const;
const KNOWN = ['quick', 'out', 'connections', 'duration', 'storages', 'cases', 'port-base', 'api-tls'];

/** `t` as a number above 0 (whole when `whole`), or an error quoting the flag's value as typed. */
function positive(flag: string, t: string, whole: boolean, typed = t): number {
  const n = Number(t);
  if (t.trim() === '' || !Number.isFinite(n) || n <= 0 || (whole && !Number.isInteger(n)))
    throw new Error(
      `--${flag} takes ${whole ? 'whole numbers above 0, comma-separated' : 'a number above 0'}: got ${JSON.stringify(typed)}`,
    );
  return n;
}

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T[] {
  return text.split(',').map((t) => {
    if (!(allowed as readonly string[]).includes(t))
      throw new Error(`--${flag}: unknown ${JSON.stringify(t)} (known: ${allowed.join(', ')})`);
    return t as T;
  });
}

/** `--api-tls`: off, on, or both (an axis: every case runs once per mode, the two measured back to back); each mode once. */
function apiTlsModes(text: string): ApiTls[] {
  const modes = oneOf('api-tls', text, API_TLS_MODES);
  if (new Set(modes).size !== modes.length) throw new Error(`--api-tls names a mode twice: got ${JSON.stringify(text)}`);
  return modes;
}

/** The options `argv` asks for; throws a message naming the flag at the first bad value. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions & { outDir: string } {
  const values = new Map<string, string>();
  let quick = false;
  for (const a of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(a);
    if (!m || !KNOWN.includes(m[1]))
      throw new Error(`unknown argument ${JSON.stringify(a)} (known: ${KNOWN.map((k) => `--${k}`).join(', ')})`);
    if (m[1] === 'quick') quick = true;
    else if (m[2] === undefined) throw new Error(`--${m[1]} needs a value: --${m[1]}=VALUE`);
    else values.set(m[1], m[2]);
  }
  const get = <T>(flag: string, read: (t: string) => T) => (values.has(flag) ? read(values.get(flag)!) : undefined);
  return {
    quick,
    outDir: values.get('out') ?? 'bench/out',
    connections: get('connections', (t) => t.split(',').map((n) => positive('connections', n, true, t))),
    durationSec: get('duration', (t) => positive('duration', t, false)),
    storages: get('storages', (t) => oneOf('storages', t, STORAGES)),
    cases: get('cases', (t) =>
      oneOf(
        'cases',
        t,
        CASES.map((c) => c.name),
      ),
    ),
    portBase: get('port-base', parsePortBase),
    apiTls: get('api-tls', apiTlsModes),
  };
}
