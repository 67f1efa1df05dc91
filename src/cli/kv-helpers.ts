/** What every `kv` verb shares: the mount/version preflight, path joining, K=V parsing and the banners. */
import { readFileSync } from 'node:fs';
import { ApiError, type VaultClient } from './client.ts';
import { kvTable } from './columnize.ts';
import { kvLocate } from './kv-walk.ts';
import { out, UsageError, type Format } from './output.ts';
import { mapRows, outSecret, parseSecret } from './secret-output.ts';

/** The mount and version of a KV path, from the preflight; a server without the preflight (404) is taken as KV v1, as Vault's CLI does. */
async function kvPreflight(c: VaultClient, path: string): Promise<{ mount: string; version: 1 | 2 }> {
  try {
    const { mount } = await kvLocate(c, path);
    return { mount: mount.path, version: mount.version };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { mount: '', version: 1 };
    throw e;
  }
}

/** A key's path under a KV v2 section (secret/foo → secret/<section>/foo), with the mount's version; a v1 path as given. */
export async function kvPath(c: VaultClient, full: string, section: string): Promise<{ path: string; version: 1 | 2 }> {
  const { mount, version } = await kvPreflight(c, full);
  return { path: version === 2 ? `${mount}${section}/${full.slice(mount.length)}` : full, version };
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

/** A title centred in `=` signs to a width, at least two on each side (the kv verbs' padEqualSigns). */
export function padEqualSigns(title: string, width: number): string {
  let signs = width - (title.length + 2);
  if (signs <= 0) signs = 4;
  if (signs % 2 !== 0) signs += 1;
  const side = '='.repeat(signs / 2);
  return `${side} ${title} ${side}`;
}

/** The banner over a map's table: as wide as its longest key plus the column glue and "Value" (getHeaderForMap). */
export function headerForMap(title: string, m: Record<string, unknown>): string {
  return padEqualSigns(title, Math.max(0, ...Object.keys(m).map((k) => k.length)) + 4 + 5);
}

/** The path banner, its path and a blank line, as the kv verbs open their tables (outputPath). */
export function pathBlock(path: string, title = 'Secret Path'): string {
  return `${padEqualSigns(title, path.length)}\n${path}\n`;
}

/** A map under its banner (the Metadata and Data sections); an empty map prints only the banner, as OutputData prints nothing. */
export function mapSection(title: string, m: Record<string, unknown>): string {
  const header = headerForMap(title, m);
  return Object.keys(m).length ? `${header}\n${kvTable(mapRows(m))}` : header;
}

/** What `kv put` and `kv patch` print for the v2 version they wrote: its path and metadata, or the Secret as JSON or YAML. */
export function outWrittenVersion(path: string, body: unknown, format: Format): void {
  const secret = parseSecret(body);
  if (format !== 'table') outSecret(secret!, format);
  else out(`${pathBlock(path)}\n${mapSection('Metadata', secret?.data ?? {})}`);
}
