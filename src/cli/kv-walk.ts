/**
 * What `tree`, `export` and `import` share: which KV mounts the token can see, where a path
 * lies (the sys/internal/ui/mounts preflight the `vault kv` verbs make), and a depth-first
 * walk of a mount's folders in sorted order. The walk lists a folder's subfolders ahead of
 * printing them (through a concurrency limit), so output streams in order while the next
 * listings are already under way.
 */
import { ApiError, type VaultClient } from './client.ts';
import { concurrencyLimit, prefetch, type Limit } from './concurrency-limit.ts';
import { UsageError } from './output.ts';

/** How many list or read calls a walk keeps in flight. */
export const WALK_CONCURRENCY = 8;

/** A KV mount: its path (with the trailing '/'), its type and its KV version. */
export interface KvMount {
  path: string;
  type: string;
  version: 1 | 2;
}

/** A preflight's mount entry as a KvMount (Vault: no version option means KV v1). */
function asMount(path: string, m: { type: string; options?: Record<string, string> | null }): KvMount {
  return { path, type: m.type, version: m.options?.version === '2' ? 2 : 1 };
}

/** Every KV mount the token can see, sorted by path. */
export async function kvMounts(c: VaultClient): Promise<KvMount[]> {
  const secret = ((await c.call('GET', 'sys/internal/ui/mounts')).body?.data?.secret ?? {}) as Record<string, { type: string }>;
  return Object.entries(secret)
    .filter(([, m]) => m.type === 'kv')
    .map(([path, m]) => asMount(path, m))
    .sort((a, b) => compareKeys(a.path, b.path));
}

/** The mount that serves `path` and the path inside it; the preflight's 403 (no such mount, or not visible) is thrown. */
export async function kvLocate(c: VaultClient, path: string): Promise<{ mount: KvMount; rel: string }> {
  const data = (await c.call('GET', `sys/internal/ui/mounts/${path}`)).body.data;
  const mount = asMount(data.path, data);
  return { mount, rel: path.slice(mount.path.length) };
}

/** Code-unit order, as Vault sorts list keys: stable across locales. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A folder's keys, or the 403 that refused listing it. */
export type Listing = { keys: string[] } | { denied: ApiError };

/** The API path that lists (v2: metadata/) or reads (v2: data/) `rel` in a mount. */
export function kvApiPath(mount: KvMount, section: 'metadata' | 'data', rel: string): string {
  return mount.version === 2 ? `${mount.path}${section}/${rel}` : `${mount.path}${rel}`;
}

/** Lists one folder; a folder with nothing in it (404) is empty. */
export async function listFolder(c: VaultClient, mount: KvMount, rel: string): Promise<Listing> {
  try {
    const keys = (await c.call('GET', `${kvApiPath(mount, 'metadata', rel)}?list=true`)).body?.data?.keys ?? [];
    return { keys: [...(keys as string[])].sort(compareKeys) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { keys: [] };
    if (e instanceof ApiError && e.status === 403) return { denied: e };
    throw e;
  }
}

/** One entry of a walk. `trail` says, for each level down to this entry, whether it is its folder's last child. */
export interface WalkEntry {
  kind: 'folder' | 'secret';
  /** The path inside the mount ('app/db', 'app/'). */
  rel: string;
  /** The key as listed ('db', 'app/'). */
  name: string;
  trail: boolean[];
  /** Set on a folder the token may not list. */
  denied?: ApiError;
}

/** Walks the folder `rel` of a mount depth-first, sorted; `listing` is that folder's (already requested) listing. */
export async function* walkFolder(
  c: VaultClient,
  mount: KvMount,
  rel: string,
  listing: { keys: string[] },
  limit: Limit = concurrencyLimit(WALK_CONCURRENCY),
  trail: boolean[] = [],
): AsyncGenerator<WalkEntry> {
  const children = listing.keys.map((name) => ({
    name,
    sub: name.endsWith('/') ? prefetch(limit(() => listFolder(c, mount, rel + name))) : undefined,
  }));
  for (const [i, { name, sub }] of children.entries()) {
    const here = [...trail, i === children.length - 1];
    if (!sub) {
      yield { kind: 'secret', rel: rel + name, name, trail: here };
      continue;
    }
    const folder = await sub;
    if ('denied' in folder) {
      yield { kind: 'folder', rel: rel + name, name, trail: here, denied: folder.denied };
      continue;
    }
    yield { kind: 'folder', rel: rel + name, name, trail: here };
    yield* walkFolder(c, mount, rel + name, folder, limit, here);
  }
}

/** A walk's start: the mounts and folders PATH names (every visible KV mount without one), each with its path inside the mount. */
export async function walkRoots(c: VaultClient, path: string | undefined): Promise<Array<{ mount: KvMount; rel: string }>> {
  if (!path) return (await kvMounts(c)).map((mount) => ({ mount, rel: '' }));
  const { mount, rel } = await kvLocate(c, path.replace(/^\/+/, ''));
  if (mount.type !== 'kv') throw new NotKvError(mount);
  return [{ mount, rel: rel && !rel.endsWith('/') ? `${rel}/` : rel }];
}

/** PATH lies in a mount that is not a KV engine. */
export class NotKvError extends UsageError {
  constructor(mount: KvMount) {
    super(`${JSON.stringify(mount.path)} is a ${JSON.stringify(mount.type)} mount, not a KV secrets engine`);
  }
}
