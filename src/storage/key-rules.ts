/** Vault's storage key rules, shared by every backend: no empty or relative segments. */
import { InvalidKeyError } from './errors.ts';

/** Throws InvalidKeyError for '' or keys with empty, '.' or '..' segments (a trailing '/' is a folder, not a key). */
export function checkKey(key: string): void {
  if (!key || key.startsWith('/')) throw new InvalidKeyError(key);
  for (const seg of key.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') throw new InvalidKeyError(key);
  }
}

/** Throws for a prefix that is not '' and does not end in '/' or has relative segments. */
export function checkPrefix(prefix: string): void {
  if (prefix === '') return;
  for (const seg of prefix.split('/').slice(0, -1)) {
    if (seg === '' || seg === '.' || seg === '..') throw new InvalidKeyError(prefix);
  }
}

/** The direct children of `prefix` among sorted keys: leaves as-is, folders once with a trailing '/'. */
export function directChildren(prefix: string, keys: Iterable<string>): string[] {
  const out: string[] = [];
  let lastFolder = '';
  for (const key of keys) {
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) out.push(rest);
    else {
      const folder = rest.slice(0, slash + 1);
      if (folder !== lastFolder) out.push(folder);
      lastFolder = folder;
    }
  }
  return [...new Set(out)].sort();
}
