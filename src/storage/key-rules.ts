/**
 * Vault's storage key rules and list arithmetic, shared by every backend: a key is a
 * '/'-separated path with no empty, '.' or '..' segment; a listing shows the direct
 * children of a prefix, sub-folders once with a trailing '/'. Keys order as UTF-8 bytes
 * (LevelDB's order and Go's string order), the same on every backend.
 */
import type { BatchOp } from './backend.ts';
import { InvalidKeyError } from './errors.ts';

/** A key range of an ordered store (gte inclusive, lt exclusive). */
export interface KeyRange {
  gte?: string;
  lt?: string;
}

/**
 * Keys under this prefix belong to storage itself (the highest lock term). It starts with
 * '/', so no valid key can name, overwrite or list one.
 */
export const RESERVED_PREFIX = '/vaultlab/';

const SLASH = 47;
const DOT = 46;

/** True when key is a valid storage key (checked by scanning, with no allocation: it runs on every read). */
export function isValidKey(key: string): boolean {
  let start = 0;
  for (;;) {
    const slash = key.indexOf('/', start);
    const end = slash < 0 ? key.length : slash;
    const len = end - start;
    if (len === 0) return false;
    if (len <= 2 && key.charCodeAt(start) === DOT && (len === 1 || key.charCodeAt(start + 1) === DOT)) return false;
    if (slash < 0) return true;
    start = slash + 1;
  }
}

/** Throws InvalidKeyError unless key is valid. */
export function checkKey(key: string): void {
  if (!isValidKey(key)) throw new InvalidKeyError(key);
}

/** Throws InvalidKeyError unless prefix is '' or valid up to its last '/' (list('a/b') lists what starts with 'a/b'). */
export function checkPrefix(prefix: string): void {
  const cut = prefix.lastIndexOf('/');
  if (cut >= 0 && !isValidKey(prefix.slice(0, cut))) throw new InvalidKeyError(prefix);
}

/** True for storage's own keys. */
export function isReservedKey(key: string): boolean {
  return key.charCodeAt(0) === SLASH;
}

/** The range of every key that starts with prefix. */
export function prefixRange(prefix: string): KeyRange {
  if (prefix === '') return {};
  // The smallest string above every string that starts with prefix: bump its last code unit.
  const last = prefix.charCodeAt(prefix.length - 1);
  return { gte: prefix, lt: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

/** The direct child of prefix that key lies in: the key's next segment, with '/' when it is a folder. */
export function childOf(prefix: string, key: string): string {
  const slash = key.indexOf('/', prefix.length);
  return slash < 0 ? key.slice(prefix.length) : key.slice(prefix.length, slash + 1);
}

/** Refuses an op storage could not write; every backend checks each op of a batch before applying any. */
export function checkBatchOp(op: BatchOp): void {
  checkKey(op.key);
  if (op.type === 'put' ? !(op.value instanceof Uint8Array) : op.type !== 'delete')
    throw new TypeError(`a batch op must be a put of bytes or a delete (key ${JSON.stringify(op.key)})`);
}
