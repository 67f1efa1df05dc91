/**
 * The limits Vault puts on KV v2 custom_metadata (validateCustomMetadata in
 * path_metadata.go): at most 64 keys; each key 1–128 bytes and each value 1–512 bytes,
 * printable. Every problem is reported, in go-multierror's text, which clients show.
 */
import { multierror } from './field-data.ts';

const PREFIX = 'custom_metadata validation failed';
const MAX_KEYS = 64;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 512;

/** Go's unicode.IsPrint for every rune (letters, marks, numbers, punctuation, symbols, ASCII space). */
function printable(s: string): boolean {
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u.test(s);
}

/** Go's len(): bytes of the UTF-8 encoding. */
function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The error message for invalid custom_metadata, or undefined when it is fine. */
export function validateCustomMetadata(cm: Record<string, string>): string | undefined {
  const keys = Object.keys(cm);
  if (keys.length > MAX_KEYS) return multierror([`${PREFIX}: payload must contain at most ${MAX_KEYS} keys, provided ${keys.length}`]);
  const errors: string[] = [];
  for (const key of keys) {
    const value = cm[key];
    const kl = byteLength(key);
    const vl = byteLength(value);
    if (kl === 0 || kl > MAX_KEY_LENGTH)
      errors.push(`${PREFIX}: length of key ${JSON.stringify(key)} is ${kl} but must be 0 < len(key) <= ${MAX_KEY_LENGTH}`);
    if (vl === 0 || vl > MAX_VALUE_LENGTH)
      errors.push(`${PREFIX}: length of value for key ${JSON.stringify(key)} is ${vl} but must be 0 < len(value) <= ${MAX_VALUE_LENGTH}`);
    if (!printable(key)) errors.push(`${PREFIX}: key ${JSON.stringify(key)} (${key}) contains unprintable characters`);
    if (!printable(value)) errors.push(`${PREFIX}: value for key ${JSON.stringify(key)} contains unprintable characters`);
  }
  return errors.length ? multierror(errors) : undefined;
}
