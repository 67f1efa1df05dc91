/**
 * The options of a file audit device, checked as Vault's file backend and formatter check
 * them: `file_path` (or the older `path`) is required, booleans are Go's ParseBool, `mode`
 * is octal, and only the `json` format is offered here (Vault also has `jsonx`).
 */
import { DEFAULT_FILE_MODE } from './audit-sink.ts';

/** A device's options, parsed. */
export interface DeviceOptions {
  filePath: string;
  /** Strings are written as they are, not HMAC'd. */
  logRaw: boolean;
  /** Accessors are HMAC'd too (Vault's default). */
  hmacAccessor: boolean;
  /** Written before each line. */
  prefix: string;
  mode: number;
  /** Vault's `skip_test`: no test line at enable. */
  skipTest: boolean;
}

/** A bad option: Vault answers these with a 400 in its own words. */
export class AuditOptionError extends Error {}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function bool(options: Record<string, string>, key: string, fallback: boolean): boolean {
  const v = options[key];
  if (v === undefined) return fallback;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new AuditOptionError(
    `unable to parse '${key}': strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax: invalid configuration`,
  );
}

/** Parses a file device's options, throwing AuditOptionError with Vault's message for a bad one. */
export function parseFileOptions(options: Record<string, string>): DeviceOptions {
  const filePath = options.file_path ?? options.path;
  if (filePath === undefined) throw new AuditOptionError('"file_path" is required: invalid configuration');
  if (!filePath.trim()) throw new AuditOptionError('file path is required: invalid configuration');
  const format = options.format ?? 'json';
  if (format !== 'json') throw new AuditOptionError(`unsupported "format": ${JSON.stringify(format)}: invalid configuration`);
  let mode = DEFAULT_FILE_MODE;
  if (options.mode !== undefined) {
    if (!/^[0-7]+$/.test(options.mode))
      throw new AuditOptionError(`unable to parse file mode ${JSON.stringify(options.mode)}: invalid configuration`);
    mode = Number.parseInt(options.mode, 8);
  }
  return {
    filePath,
    logRaw: bool(options, 'log_raw', false),
    hmacAccessor: bool(options, 'hmac_accessor', true),
    prefix: options.prefix ?? '',
    mode,
    skipTest: bool(options, 'skip_test', false),
  };
}
