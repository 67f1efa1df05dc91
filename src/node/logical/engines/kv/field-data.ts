/**
 * Vault's framework checks every request field against the path's schema before the
 * handler runs (sdk/framework FieldData.Validate), decoding "weakly" with mapstructure:
 * "3" is an int, 1 is true, a string is a one-element list. A value that does not fit
 * gets `Field validation failed: error converting input <v> for field "<name>": <why>`,
 * and clients show that text. This module reproduces those conversions and messages for
 * the field types the KV and mount endpoints use, so bad input answers as Vault does.
 */
import { BadRequestError, UnsupportedOperationError } from '../../../errors.ts';

/** The schema types used here (framework.TypeInt, TypeBool, ...). */
export type FieldType =
  'int' | 'bool' | 'string' | 'map' | 'kvPairs' | 'commaIntSlice' | 'commaStringSlice' | 'durationSecond' | 'signedDurationSecond';

type ValueOf<T extends FieldType> = T extends 'int' | 'durationSecond' | 'signedDurationSecond'
  ? number
  : T extends 'bool'
    ? boolean
    : T extends 'string'
      ? string
      : T extends 'map'
        ? Record<string, unknown>
        : T extends 'kvPairs'
          ? Record<string, string>
          : T extends 'commaStringSlice'
            ? string[]
            : number[];

/** The fields present in a request, decoded (absent ones are undefined, as GetOk's false). */
export type Fields<S extends Record<string, FieldType>> = { [K in keyof S]?: ValueOf<S[K]> };

/** go-multierror's Error() text. */
export function multierror(errors: string[]): string {
  if (errors.length === 1) return `1 error occurred:\n\t* ${errors[0]}\n\n`;
  return `${errors.length} errors occurred:\n\t${errors.map((e) => `* ${e}`).join('\n\t')}\n\n`;
}

/** The framework's 405 for a path that exists but not for this operation, worded as Vault sends it. */
export function unsupportedOperation(): UnsupportedOperationError {
  return new UnsupportedOperationError(multierror(['unsupported operation']));
}

/** Go's %v of a decoded JSON value. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goValue(o[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

/** Go's %q (close enough for the printable text clients send). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's type name for a decoded JSON value (numbers are json.Number). */
function goType(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (v !== null && typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return 'json.Number';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/** reflect.Kind of a decoded JSON value, as mapstructure names it. */
function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'slice';
  if (v !== null && typeof v === 'object') return 'map';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

const unconvertible = (name: string, want: string, v: unknown) =>
  new Error(`'${name}' expected type '${want}', got unconvertible type '${goType(v)}', value: '${goValue(v)}'`);

/** Go's uint32(n): how Vault stores max_versions (a negative wraps around). */
export function goUint32(n: number): number {
  return ((n % 2 ** 32) + 2 ** 32) % 2 ** 32;
}

/** strconv.ParseInt(s, 0, 64), or undefined on bad syntax. */
function parseGoInt(s: string): number | undefined {
  const m = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|0[oO]?([0-7]+)|(\d+))$/.exec(s);
  if (!m) return undefined;
  const [, sign, hex, bin, oct, dec] = m;
  const n = hex ? parseInt(hex, 16) : bin ? parseInt(bin, 2) : oct ? parseInt(oct, 8) : Number(dec);
  return sign === '-' ? -n : n;
}

/** strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** mapstructure's weak decode into an int. */
export function decodeInt(v: unknown, name = ''): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string') {
    const s = String(v) || '0';
    const n = parseGoInt(s);
    if (n === undefined) throw new Error(`cannot parse '${name}' as int: strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`);
    return n;
  }
  throw unconvertible(name, 'int', v);
}

/** mapstructure's weak decode into a bool. */
export function decodeBool(v: unknown, name = ''): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' || typeof v === 'string') {
    const s = String(v);
    const b = parseGoBool(s);
    if (b !== undefined) return b;
    if (s === '') return false;
    throw new Error(`cannot parse '${name}' as bool: strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
  }
  throw unconvertible(name, 'bool', v);
}

/** mapstructure's weak decode into a string. */
export function decodeString(v: unknown, name = ''): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  throw unconvertible(name, 'string', v);
}

/** mapstructure's weak decode into map[string]interface{} (a list of maps merges). */
export function decodeMap(v: unknown, name = ''): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (Array.isArray(v)) {
    const out: Record<string, unknown> = {};
    v.forEach((item, i) => Object.assign(out, decodeMap(item, `${name}[${i}]`)));
    return out;
  }
  if (typeof v === 'object') return v as Record<string, unknown>;
  throw new Error(`'${name}' expected a map, got '${goKind(v)}'`);
}

/** TypeKVPairs: a map of strings, or a list of "k=v" strings. */
function decodeKvPairs(v: unknown): Record<string, string> {
  if (v === null || v === undefined) return {};
  let items = Array.isArray(v) ? v : [v];
  if (typeof v === 'object' && !Array.isArray(v)) {
    try {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeString(x, `[${k}]`)]));
    } catch {
      // Vault falls back to the list form: a non-empty map becomes a one-element list.
      items = Object.keys(v).length ? [v] : [];
    }
  }
  const list = collect(items, (x, i) => decodeString(x, `[${i}]`));
  const out: Record<string, string> = {};
  for (const pair of list) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`invalid key pair ${goQuote(pair)}`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** TypeCommaIntSlice: "1,2", [1, "2"] or 3; element errors are collected as mapstructure does. */
function decodeCommaIntSlice(v: unknown): number[] {
  if (v === null || v === undefined || v === '') return [];
  const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [v];
  return collect(items, (x, i) => decodeInt(x, `[${i}]`));
}

/** TypeCommaStringSlice: a list, or a comma-separated string; elements trimmed (strutil.TrimStrings). */
function decodeCommaStringSlice(v: unknown): string[] {
  if (v === null || v === undefined || v === '') return [];
  const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [v];
  return collect(items, (x, i) => decodeString(x, `[${i}]`).trim());
}

/** Decodes every element; element errors come back together, as mapstructure's Error does. */
function collect<T>(items: unknown[], decode: (x: unknown, i: number) => T): T[] {
  const errors: string[] = [];
  const out = items.map((x, i) => {
    try {
      return decode(x, i);
    } catch (e) {
      errors.push(`* ${(e as Error).message}`);
      return undefined as T;
    }
  });
  if (errors.length) throw new Error(`${errors.length} error(s) decoding:\n\n${errors.sort().join('\n')}`);
  return out;
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds. */
export function parseGoDuration(s: string): number {
  const bad = () => new Error(`time: invalid duration ${goQuote(s)}`);
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw bad();
  let total = 0;
  while (rest) {
    const num = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    if (!num[0] || num[0] === '.') throw bad();
    rest = rest.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (!unit) throw new Error(`time: missing unit in duration ${goQuote(s)}`);
    if (!(unit in UNIT_NS)) throw new Error(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(s)}`);
    rest = rest.slice(unit.length);
    total += Number(num[0].startsWith('.') ? `0${num[0]}` : num[0]) * UNIT_NS[unit];
  }
  return sign * total;
}

/** parseutil.ParseDurationSecond: bare numbers are seconds, "Nd" is days, else a Go duration; result in whole seconds. */
export function parseDurationSecond(v: unknown): number {
  if (v === null || v === undefined || v === '') return 0;
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v !== 'string') throw new Error('could not parse duration from input');
  if (/^[+-]?\d+$/.test(v)) return Number(v);
  if (v.endsWith('d')) {
    const days = v.slice(0, -1);
    if (!/^[+-]?\d+$/.test(days)) throw new Error(`strconv.ParseInt: parsing ${goQuote(days)}: invalid syntax`);
    return Number(days) * 86_400;
  }
  return Math.trunc(parseGoDuration(v) / 1e9);
}

function decodeDuration(v: unknown, signed: boolean): number {
  const secs = parseDurationSecond(v);
  if (!signed && secs < 0) throw new Error(`cannot provide negative value '${secs}'`);
  return secs;
}

const DECODERS: Record<FieldType, (v: unknown) => unknown> = {
  int: (v) => decodeInt(v),
  bool: (v) => decodeBool(v),
  string: (v) => decodeString(v),
  map: (v) => decodeMap(v),
  kvPairs: decodeKvPairs,
  commaIntSlice: decodeCommaIntSlice,
  commaStringSlice: decodeCommaStringSlice,
  durationSecond: (v) => decodeDuration(v, false),
  signedDurationSecond: (v) => decodeDuration(v, true),
};

/** Validates and decodes the schema's fields of a request (FieldData.Validate + GetOk); throws Vault's 400. */
export function fieldData<S extends Record<string, FieldType>>(raw: Record<string, unknown>, schema: S): Fields<S> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const type = schema[name];
    if (!type) continue;
    // A JSON null duration is "not set"; any other null decodes to the zero value.
    if (value === null && (type === 'durationSecond' || type === 'signedDurationSecond')) continue;
    try {
      out[name] = DECODERS[type](value);
    } catch (e) {
      throw new BadRequestError(
        `Field validation failed: error converting input ${goValue(value)} for field ${goQuote(name)}: ${(e as Error).message}`,
      );
    }
  }
  return out as Fields<S>;
}
