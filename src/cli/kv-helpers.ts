/** What every `kv` verb shares: the mount/version preflight, path joining and K=V parsing. */
import { readFileSync } from 'node:fs';
import { ApiError, type VaultClient } from './client.ts';
import { UsageError } from './output.ts';

/** The mount and version of a KV path, from the preflight. */
export async function kvPreflight(c: VaultClient, path: string): Promise<{ mount: string; version: 1 | 2 }> {
  try {
    const r = (await c.call('GET', `sys/internal/ui/mounts/${path}`)).body;
    return { mount: r.data.path, version: r.data.options?.version === '2' ? 2 : 1 };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { mount: '', version: 1 };
    throw e;
  }
}

/** `-mount=secret hello` or `secret/hello` → the full logical path. */
export function joinPath(mount: string | undefined, key: string): string {
  return mount ? `${mount.replace(/\/+$/, '')}/${key.replace(/^\/+/, '')}` : key;
}

/** Parses `k=v`, `k=@file`, `k=-` (stdin) pairs. */
export function parsePairs(pairs: string[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`Failed to parse K=V data: invalid key/value pair "${p}"`);
    const k = p.slice(0, i);
    let v = p.slice(i + 1);
    if (v.startsWith('@')) v = readFileSync(v.slice(1), 'utf8');
    else if (v === '-') v = readFileSync(0, 'utf8');
    data[k] = v;
  }
  return data;
}
