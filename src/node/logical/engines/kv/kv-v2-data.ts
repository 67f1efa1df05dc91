/**
 * KV v2's data/ endpoints (path_data.go): read a version, write a new one (with
 * check-and-set), patch the current one into a new one, soft-delete the latest. A
 * write is where versions are trimmed to max_versions and delete_version_after is
 * stamped. The read is the hot path: one metadata get, one version get, no copies.
 */
import { BadRequestError, InternalError, NotFoundError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { BatchOp } from '../../../../storage/index.ts';
import { jsonBytes, type EngineRequest } from '../engine.ts';
import { decodeInt, fieldData } from './field-data.ts';
import { mergePatch } from './merge-patch.ts';
import {
  DEFAULT_MAX_VERSIONS,
  deletionTime,
  isDeleted,
  metaForWrite,
  metaKey,
  newMeta,
  readConfig,
  readMeta,
  rfc3339Nano,
  versionKey,
  versionMetadata,
  writeMeta,
  type KeyMeta,
  type KvConfig,
} from './kv-v2-store.ts';

const READ_SCHEMA = { version: 'int' } as const;
const WRITE_SCHEMA = { version: 'int', options: 'map', data: 'map' } as const;
const dec = new TextDecoder();

/** Vault's check-and-set rule: `options.cas` must equal the current version (0: key must not exist). */
function checkCas(options: Record<string, unknown> | undefined, config: KvConfig, meta: KeyMeta): void {
  if (options && 'cas' in options) {
    let cas: number;
    try {
      cas = decodeInt(options.cas);
    } catch {
      throw new BadRequestError('error parsing check-and-set parameter');
    }
    if (cas !== meta.current_version) throw new BadRequestError('check-and-set parameter did not match the current version');
  } else if (config.cas_required || meta.cas_required) {
    throw new BadRequestError('check-and-set parameter required for this call');
  }
}

/** Stores a new version and slides the max_versions window (KeyMetadata.AddVersion). */
async function addVersion(req: EngineRequest, key: string, meta: KeyMeta, config: KvConfig, body: unknown): Promise<LogicalResponse> {
  const now = req.clock.now();
  const created = rfc3339Nano(now);
  const version = meta.current_version + 1;
  const vm = { created_time: created, deletion_time: deletionTime(now, config, meta), destroyed: false };
  const data = jsonBytes(body);
  meta.current_version = version;
  meta.versions[version] = vm;
  meta.updated_time = created;
  const max = Math.max(meta.max_versions, config.max_versions) || DEFAULT_MAX_VERSIONS;
  const trimmed: number[] = [];
  if (meta.current_version - meta.oldest_version >= max) {
    const last = meta.current_version - max;
    for (let v = meta.oldest_version; v <= last; v++) {
      delete meta.versions[v];
      if (v > 0) trimmed.push(v);
    }
    meta.oldest_version = last + 1;
  }
  // One atomic write: the version, the metadata naming it, and the trimmed versions' data, which
  // (as Vault's cleanupOldVersions has it) goes only once the metadata no longer names it: in one
  // batch that holds trivially, and a failure leaves neither an unnamed version nor a dangling name.
  const ops: BatchOp[] = [
    { type: 'put', key: versionKey(key, version), value: data },
    { type: 'put', key: metaKey(key), value: jsonBytes(meta) },
    ...trimmed.map((v): BatchOp => ({ type: 'delete', key: versionKey(key, v) })),
  ];
  await req.storage.batch(ops);
  return { data: versionMetadata(meta, version, vm) };
}

/** GET data/<key>[?version=N]: the version's data and metadata; 404 with the metadata when deleted or destroyed. */
export async function readData(req: EngineRequest, key: string): Promise<LogicalResponse | undefined> {
  const asked = fieldData(req.data, READ_SCHEMA).version ?? 0;
  const meta = await readMeta(req.storage, key);
  if (!meta) return undefined;
  const version = asked > 0 ? asked : meta.current_version;
  const vm = meta.versions[version];
  if (!vm) return undefined;
  const metadata = versionMetadata(meta, version, vm);
  if (vm.destroyed || isDeleted(vm, req.clock.now())) return { status: 404, data: { data: null, metadata } };
  const raw = await req.storage.get(versionKey(key, version));
  if (!raw) throw new InternalError('could not find version data');
  return { data: { data: JSON.parse(dec.decode(raw)), metadata } };
}

/** POST data/<key> {data, options}: a new version. `known`: the key's metadata already read under its lock (null: none). */
export async function writeData(req: EngineRequest, key: string, known?: KeyMeta | null): Promise<LogicalResponse> {
  const f = fieldData(req.data, WRITE_SCHEMA);
  if (f.data === undefined) throw new BadRequestError('no data provided');
  const config = await readConfig(req.storage);
  const meta = (await metaForWrite(req.storage, key, known)) ?? newMeta(rfc3339Nano(req.clock.now()));
  checkCas(f.options, config, meta);
  return addVersion(req, key, meta, config, f.data);
}

/** PATCH data/<key>: JSON merge patch of the current version into a new version. */
export async function patchData(req: EngineRequest, key: string): Promise<LogicalResponse> {
  const f = fieldData(req.data, WRITE_SCHEMA);
  if (f.data === undefined) throw new BadRequestError('no data provided');
  const meta = await readMeta(req.storage, key);
  if (!meta) throw new NotFoundError();
  const config = await readConfig(req.storage);
  checkCas(f.options, config, meta);
  const current = meta.current_version;
  const vm = meta.versions[current];
  if (!vm) throw new NotFoundError();
  // Unlike a read, a patch's 404 carries the version metadata flat in data.
  if (vm.destroyed || isDeleted(vm, req.clock.now())) return { status: 404, data: versionMetadata(meta, current, vm) };
  const raw = await req.storage.get(versionKey(key, current));
  if (!raw) throw new InternalError('could not find version data');
  return addVersion(req, key, meta, config, mergePatch(JSON.parse(dec.decode(raw)), f.data));
}

/** DELETE data/<key>: soft-deletes the latest version (nothing to do if it is already gone). */
export async function deleteLatest(req: EngineRequest, key: string): Promise<undefined> {
  const meta = await readMeta(req.storage, key);
  const vm = meta?.versions[meta.current_version];
  const now = req.clock.now();
  if (meta && vm && !vm.destroyed && !isDeleted(vm, now)) {
    vm.deletion_time = rfc3339Nano(now);
    await writeMeta(req.storage, key, meta);
  }
  return undefined;
}
