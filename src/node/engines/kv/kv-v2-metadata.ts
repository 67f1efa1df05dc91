/** KV v2's metadata endpoints: read, write, patch, delete (all versions) and list. */
import { BadRequestError, UnsupportedOperationError } from '../../errors.ts';
import type { LogicalResponse, Operation } from '../../request.ts';
import type { EngineRequest } from '../engine.ts';
import { mergePatch } from './merge-patch.ts';
import { newMeta, parseDuration, readMeta, versionKey, writeMeta, type KeyMeta } from './kv-v2-store.ts';

function customMetadata(v: unknown): Record<string, string> | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new BadRequestError('custom_metadata validation failed: must be a map of strings');
  const entries = Object.entries(v as object);
  const problems: string[] = [];
  if (entries.length > 64) problems.push(`payload must contain at most 64 keys, provided ${entries.length}`);
  for (const [k, x] of entries) {
    if (k.length > 128) problems.push(`length of key "${k}" is ${k.length} but max is 128`);
    if (typeof x !== 'string') problems.push(`value of key "${k}" must be a string`);
    else if (x.length > 512) problems.push(`length of value for key "${k}" is ${x.length} but max is 512`);
  }
  if (problems.length) throw new BadRequestError(`custom_metadata validation failed: ${problems.join('; ')}`);
  return Object.fromEntries(entries) as Record<string, string>;
}

function apply(meta: KeyMeta, d: Record<string, unknown>): void {
  if (d.max_versions !== undefined) {
    const n = Number(d.max_versions);
    if (!Number.isInteger(n) || n < 0) throw new BadRequestError('max_versions must be a non-negative integer');
    meta.max_versions = n;
  }
  if (d.cas_required !== undefined) meta.cas_required = d.cas_required === true || d.cas_required === 'true';
  if (d.delete_version_after !== undefined) {
    parseDuration(d.delete_version_after, 'delete_version_after');
    meta.delete_version_after = String(d.delete_version_after);
  }
  if (d.custom_metadata !== undefined) meta.custom_metadata = customMetadata(d.custom_metadata);
}

/** Serves metadata/<key> and LIST metadata/<prefix>. */
export async function metadataOps(req: EngineRequest, key: string, op: Operation | 'update'): Promise<LogicalResponse | undefined> {
  if (op === 'list') {
    const keys = await req.storage.list(`metadata/${key}`);
    return keys.length ? { data: { keys } } : undefined;
  }
  const meta = await readMeta(req.storage, key);
  if (op === 'read') return meta ? { data: { ...meta } } : undefined;
  if (op === 'update') {
    const m = meta ?? newMeta(new Date(req.clock.now()).toISOString());
    apply(m, req.data);
    m.updated_time = new Date(req.clock.now()).toISOString();
    await writeMeta(req.storage, key, m);
    return undefined;
  }
  if (op === 'patch') {
    if (!meta) return undefined;
    const patched = mergePatch({ max_versions: meta.max_versions, cas_required: meta.cas_required, delete_version_after: meta.delete_version_after, custom_metadata: meta.custom_metadata }, req.data) as Record<string, unknown>;
    apply(meta, patched);
    await writeMeta(req.storage, key, meta);
    return undefined;
  }
  if (op === 'delete') {
    if (!meta) return undefined;
    for (const v of Object.keys(meta.versions)) await req.storage.delete(versionKey(key, Number(v)));
    await req.storage.delete(`metadata/${key}`);
    return undefined;
  }
  throw new UnsupportedOperationError();
}
