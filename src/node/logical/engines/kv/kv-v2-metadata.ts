/**
 * KV v2's metadata endpoints (path_metadata.go): read, write, patch, delete (all
 * versions) and list. Writing key settings never creates a version; it creates the
 * metadata record only when at least one setting is given, as Vault does.
 */
import { BadRequestError, NotFoundError, UnsupportedOperationError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { EngineRequest } from '../engine.ts';
import { listing } from '../path-table.ts';
import { validateCustomMetadata } from './custom-metadata.ts';
import { decodeString, fieldData, goUint32, type Fields } from './field-data.ts';
import type { BatchOp } from '../../../../storage/index.ts';
import {
  goDuration,
  metaForWrite,
  metaKey,
  newMeta,
  readConfig,
  readMeta,
  rfc3339Nano,
  versionKey,
  writeMeta,
  type KeyMeta,
} from './kv-v2-store.ts';

const SCHEMA = { cas_required: 'bool', max_versions: 'int', delete_version_after: 'durationSecond', custom_metadata: 'map' } as const;
const CAS_IGNORED = '"cas_required" set to false, but is mandated by backend config. This value will be ignored.';

/** parseCustomMetadata: every value weakly decoded to a string; nulls dropped when patching. */
function parseCustomMetadata(raw: Record<string, unknown>, filterNulls: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const [k, v] of Object.entries(raw)) if (!(filterNulls && v === null)) out[k] = decodeString(v);
  } catch (e) {
    throw new BadRequestError(`custom_metadata validation failed: ${(e as Error).message}`);
  }
  const problem = validateCustomMetadata(out);
  if (problem) throw new BadRequestError(problem);
  return out;
}

/** The metadata read shape (Go's sorted keys). */
function metadataJson(m: KeyMeta): Record<string, unknown> {
  return {
    cas_required: m.cas_required,
    created_time: m.created_time,
    current_version: m.current_version,
    custom_metadata: m.custom_metadata,
    delete_version_after: m.delete_version_after,
    max_versions: m.max_versions,
    oldest_version: m.oldest_version,
    updated_time: m.updated_time,
    versions: m.versions,
  };
}

function applySettings(meta: KeyMeta, f: Fields<typeof SCHEMA>, custom: Record<string, string> | undefined): void {
  if (f.max_versions !== undefined) meta.max_versions = goUint32(f.max_versions);
  if (f.cas_required !== undefined) meta.cas_required = f.cas_required;
  if (f.delete_version_after !== undefined) meta.delete_version_after = goDuration(f.delete_version_after);
  // An empty map reads back as null, as Vault's protobuf record does.
  if (custom !== undefined) meta.custom_metadata = Object.keys(custom).length ? custom : null;
}

async function casWarning(req: EngineRequest, f: Fields<typeof SCHEMA>): Promise<LogicalResponse | undefined> {
  if (f.cas_required === false && (await readConfig(req.storage)).cas_required) return { data: null, warnings: [CAS_IGNORED] };
  return undefined;
}

async function write(req: EngineRequest, key: string, known: KeyMeta | null | undefined): Promise<LogicalResponse | undefined> {
  const f = fieldData(req.data, SCHEMA);
  if (Object.keys(f).length === 0) return undefined;
  const custom = f.custom_metadata !== undefined ? parseCustomMetadata(f.custom_metadata, false) : undefined;
  const warning = await casWarning(req, f);
  const meta = (await metaForWrite(req.storage, key, known)) ?? newMeta(rfc3339Nano(req.clock.now()));
  applySettings(meta, f, custom);
  await writeMeta(req.storage, key, meta);
  return warning;
}

async function patch(req: EngineRequest, key: string): Promise<LogicalResponse | undefined> {
  const f = fieldData(req.data, SCHEMA);
  const patchCustom = f.custom_metadata !== undefined ? parseCustomMetadata(f.custom_metadata, true) : undefined;
  const meta = await readMeta(req.storage, key);
  if (!meta) throw new NotFoundError();
  const warning = await casWarning(req, f);
  // JSON merge patch of custom_metadata: null removes a key, anything else sets it.
  let custom: Record<string, string> | undefined;
  if (f.custom_metadata !== undefined) {
    custom = { ...(meta.custom_metadata ?? {}) };
    for (const [k, v] of Object.entries(f.custom_metadata)) if (v === null) delete custom[k];
    Object.assign(custom, patchCustom);
  }
  applySettings(meta, f, custom);
  await writeMeta(req.storage, key, meta);
  return warning;
}

/** Deletes the key: every version's data and its metadata, in one batch (all or nothing). */
async function remove(req: EngineRequest, key: string): Promise<undefined> {
  const meta = await readMeta(req.storage, key);
  if (!meta) return undefined;
  const versions = Object.keys(meta.versions).map((v): BatchOp => ({ type: 'delete', key: versionKey(key, Number(v)) }));
  await req.storage.batch([...versions, { type: 'delete', key: metaKey(key) }]);
  return undefined;
}

/**
 * Serves metadata/<key> (read, write, patch, delete) and LIST metadata/<prefix>. `known`: the
 * key's metadata as the existence check read it under the key's lock (null: none), for a write.
 */
export async function metadataOps(req: EngineRequest, key: string, known?: KeyMeta | null): Promise<LogicalResponse | undefined> {
  switch (req.operation) {
    case 'list': {
      return listing(await req.storage.list(`metadata/${key}`));
    }
    case 'read': {
      const meta = await readMeta(req.storage, key);
      return meta ? { data: metadataJson(meta) } : undefined;
    }
    case 'create':
    case 'update':
      return write(req, key, known);
    case 'patch':
      return patch(req, key);
    case 'delete':
      return remove(req, key);
    default:
      throw new UnsupportedOperationError();
  }
}
