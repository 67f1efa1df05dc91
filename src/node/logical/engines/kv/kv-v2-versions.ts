/**
 * KV v2's version-set endpoints (path_delete.go, path_destroy.go, path_subkeys.go,
 * path_config.go): soft-delete, undelete and destroy listed versions, the subkeys of a
 * version with its values stripped, and the mount-wide config.
 */
import { BadRequestError, InternalError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { EngineRequest } from '../engine.ts';
import { fieldData, goUint32 } from './field-data.ts';
import {
  deletionTime,
  goDuration,
  isDeleted,
  readConfig,
  readMeta,
  rfc3339Nano,
  versionKey,
  versionMetadata,
  writeConfig,
  writeMeta,
} from './kv-v2-store.ts';

const VERSIONS_SCHEMA = { versions: 'commaIntSlice' } as const;
const SUBKEYS_SCHEMA = { version: 'int', depth: 'int' } as const;
const CONFIG_SCHEMA = { max_versions: 'int', cas_required: 'bool', delete_version_after: 'signedDurationSecond' } as const;
/** Vault never walks deeper than this, whatever depth is asked. */
const MAX_SUBKEYS_DEPTH = 100;
const dec = new TextDecoder();

/** What a version-set endpoint does to the versions it lists. */
export type VersionAction = 'delete' | 'undelete' | 'destroy';

/** POST delete|undelete|destroy/<key> {versions}. */
export async function versionOps(req: EngineRequest, action: VersionAction, key: string): Promise<undefined> {
  const versions = fieldData(req.data, VERSIONS_SCHEMA).versions ?? [];
  if (!versions.length) throw new BadRequestError(action === 'destroy' ? 'no version number provided' : 'No version number provided');
  const meta = await readMeta(req.storage, key);
  if (!meta) return undefined;
  const now = req.clock.now();
  const config = action === 'undelete' ? await readConfig(req.storage) : undefined;
  for (const n of versions) {
    const vm = meta.versions[n];
    if (!vm || vm.destroyed) continue;
    if (action === 'delete' && !isDeleted(vm, now)) vm.deletion_time = rfc3339Nano(now);
    // Undelete restarts the delete_version_after clock, as Vault does.
    if (action === 'undelete') vm.deletion_time = deletionTime(now, config!, meta);
    if (action === 'destroy') vm.destroyed = true;
  }
  await writeMeta(req.storage, key, meta);
  if (action === 'destroy') for (const n of versions) if (n > 0) await req.storage.delete(versionKey(key, n));
  return undefined;
}

/** Replaces every leaf (non-map value, empty map, or anything below `depth`) with null. */
function removeValues(data: Record<string, unknown>, maxDepth: number): Record<string, unknown> {
  const walk = (m: Record<string, unknown>, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m)) {
      const isMap = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0;
      out[k] = isMap && depth + 1 <= maxDepth ? walk(v as Record<string, unknown>, depth + 1) : null;
    }
    return out;
  };
  return walk(data, 1);
}

/** GET subkeys/<key>[?version=&depth=]. */
export async function readSubkeys(req: EngineRequest, key: string): Promise<LogicalResponse | undefined> {
  const f = fieldData(req.data, SUBKEYS_SCHEMA);
  const meta = await readMeta(req.storage, key);
  if (!meta) return undefined;
  const version = (f.version ?? 0) > 0 ? f.version! : meta.current_version;
  const vm = meta.versions[version];
  if (!vm) return undefined;
  const metadata = versionMetadata(meta, version, vm);
  if (vm.destroyed || isDeleted(vm, req.clock.now())) return { status: 404, data: { metadata, subkeys: null } };
  const raw = await req.storage.get(versionKey(key, version));
  if (!raw) throw new InternalError('could not find version data');
  const depth = f.depth && f.depth > 0 && f.depth < MAX_SUBKEYS_DEPTH ? f.depth : MAX_SUBKEYS_DEPTH;
  return { data: { metadata, subkeys: removeValues(JSON.parse(dec.decode(raw)) ?? {}, depth) } };
}

/** GET or POST config. */
export async function configOps(req: EngineRequest): Promise<LogicalResponse | undefined> {
  if (req.operation === 'read') {
    const c = await readConfig(req.storage);
    return { data: { cas_required: c.cas_required, delete_version_after: c.delete_version_after, max_versions: c.max_versions } };
  }
  const f = fieldData(req.data, CONFIG_SCHEMA);
  if (Object.keys(f).length === 0) return undefined;
  const c = await readConfig(req.storage);
  if (f.max_versions !== undefined) c.max_versions = goUint32(f.max_versions);
  if (f.cas_required !== undefined) c.cas_required = f.cas_required;
  // Negative disables delete_version_after on every key; zero clears it.
  if (f.delete_version_after !== undefined) c.delete_version_after = goDuration(f.delete_version_after < 0 ? -1 : f.delete_version_after);
  await writeConfig(req.storage, c);
  return undefined;
}
