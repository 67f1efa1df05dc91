/**
 * KV version 2 (vault-plugin-secrets-kv) with Vault's exact shapes: versioned data
 * under data/, metadata under metadata/, soft delete, undelete, destroy, check-and-set,
 * max_versions trimming, delete_version_after, patch, subkeys and the mount config.
 * The read path is one metadata get plus one version get.
 */
import { BadRequestError, UnsupportedOperationError } from '../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import { getJson, putJson, type Engine, type EngineRequest } from '../engine.ts';
import { metadataOps } from './kv-v2-metadata.ts';
import { KeyLocks } from './key-locks.ts';
import { mergePatch } from './merge-patch.ts';
import { DEFAULT_MAX_VERSIONS, newMeta, parseDuration, readConfig, readMeta, versionKey, writeMeta, type KeyMeta, type VersionMeta } from './kv-v2-store.ts';

const WARN = {
  read: "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.",
  update: "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv put' for this operation.",
  patch: "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv patch' for this operation.",
  list: "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv list' for this operation.",
  delete: "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv delete' for this operation.",
};

/** A version is deleted once its deletion_time has passed. */
export function isDeleted(v: VersionMeta, now: number): boolean {
  return v.deletion_time !== '' && Date.parse(v.deletion_time) <= now;
}

/** Reads `versions` from a request body: numbers or numeric strings. */
export function versionList(v: unknown): number[] {
  const arr = Array.isArray(v) ? v : typeof v === 'string' && v ? v.split(',') : [];
  return arr.map((x) => Number(x)).filter((n) => Number.isInteger(n) && n > 0);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The KV v2 engine (stateless: all state is in the mount's storage). */
export class KvV2Engine implements Engine {
  private readonly locks = new KeyLocks();
  async exists(req: EngineRequest): Promise<boolean | undefined> {
    const [section, key] = split(req.path);
    // Only data/ and metadata/ have existence checks in the KV v2 plugin.
    if ((section !== 'data' && section !== 'metadata') || !key) return undefined;
    return (await readMeta(req.storage, key)) !== undefined;
  }

  async handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    const [section, key] = split(req.path);
    const op = req.operation === 'create' ? 'update' : req.operation;
    if (section === 'config' && !key) return this.config(req);
    if (section === 'metadata' && (key || op === 'list')) {
      return op === 'read' || op === 'list' ? metadataOps(req, key, op) : this.locked(req, key, () => metadataOps(req, key, op));
    }
    if (!key) {
      if (['data', 'delete', 'undelete', 'destroy', 'subkeys', 'metadata'].includes(section) || req.path === '') {
        return { status: 404, data: null, warnings: ['Non-listing operations on the root of a K/V v2 mount are not supported.'] };
      }
    }
    if (section === 'data' && key) {
      if (op === 'read') return this.read(req, key);
      if (op === 'update') return this.locked(req, key, () => this.write(req, key));
      if (op === 'patch') return this.locked(req, key, () => this.patch(req, key));
      if (op === 'delete') return this.locked(req, key, () => this.deleteLatest(req, key));
    }
    if (section === 'subkeys' && key && op === 'read') return this.subkeys(req, key);
    if ((section === 'delete' || section === 'undelete' || section === 'destroy') && key && op === 'update') {
      return this.locked(req, key, () => this.versions(req, section, key));
    }
    const warning = WARN[op as keyof typeof WARN];
    if (warning) return { status: 404, data: null, warnings: [warning] };
    throw new UnsupportedOperationError();
  }

  /** Serialises read-modify-writes of one key of one mount. */
  private locked<T>(req: EngineRequest, key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.with(`${req.mount.uuid}/${key}`, fn);
  }

  private async read(req: EngineRequest, key: string): Promise<LogicalResponse | undefined> {
    const meta = await readMeta(req.storage, key);
    if (!meta) return undefined;
    const asked = req.data.version === undefined ? 0 : Number(req.data.version);
    if (!Number.isInteger(asked) || asked < 0) throw new BadRequestError('invalid version');
    const version = asked || meta.current_version;
    const vm = meta.versions[String(version)];
    if (!vm) return undefined;
    const metadata = { created_time: vm.created_time, custom_metadata: meta.custom_metadata, deletion_time: vm.deletion_time, destroyed: vm.destroyed, version };
    if (vm.destroyed || isDeleted(vm, req.clock.now())) return { status: 404, data: { data: null, metadata } };
    const data = await getJson<Record<string, unknown>>(req.storage, versionKey(key, version));
    if (!data) return undefined;
    return { data: { data, metadata } };
  }

  private async write(req: EngineRequest, key: string, body: unknown = req.data.data): Promise<LogicalResponse> {
    if (body === undefined || body === null) throw new BadRequestError('no data provided');
    if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('data must be a JSON object');
    const now = req.clock.now();
    const config = await readConfig(req.storage);
    const meta: KeyMeta = (await readMeta(req.storage, key)) ?? newMeta(iso(now));
    const options = (req.data.options ?? {}) as Record<string, unknown>;
    if (typeof options !== 'object') throw new BadRequestError('options must be a JSON object');
    if (options.cas !== undefined) {
      if (Number(options.cas) !== meta.current_version) throw new BadRequestError('check-and-set parameter did not match the current version');
    } else if (meta.cas_required || config.cas_required) throw new BadRequestError('check-and-set parameter required for this call');
    const version = meta.current_version + 1;
    const dva = parseDuration(meta.delete_version_after !== '0s' ? meta.delete_version_after : config.delete_version_after, 'delete_version_after');
    await putJson(req.storage, versionKey(key, version), body);
    meta.current_version = version;
    meta.updated_time = iso(now);
    meta.versions[String(version)] = { created_time: iso(now), deletion_time: dva > 0 ? iso(now + dva) : '', destroyed: false };
    if (meta.oldest_version === 0) meta.oldest_version = version;
    await this.trim(req, key, meta, meta.max_versions || config.max_versions || DEFAULT_MAX_VERSIONS);
    await writeMeta(req.storage, key, meta);
    const vm = meta.versions[String(version)];
    return { data: { created_time: vm.created_time, custom_metadata: meta.custom_metadata, deletion_time: vm.deletion_time, destroyed: false, version } };
  }

  private async patch(req: EngineRequest, key: string): Promise<LogicalResponse | undefined> {
    const body = req.data.data;
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('no data provided');
    const current = await this.read({ ...req, data: {} }, key);
    if (!current || current.status === 404) return current ?? undefined;
    const data = (current.data as { data: Record<string, unknown> }).data;
    return this.write(req, key, mergePatch(data, body));
  }

  private async deleteLatest(req: EngineRequest, key: string): Promise<undefined> {
    const meta = await readMeta(req.storage, key);
    const vm = meta?.versions[String(meta.current_version)];
    if (meta && vm && !vm.destroyed && !isDeleted(vm, req.clock.now())) {
      vm.deletion_time = iso(req.clock.now());
      await writeMeta(req.storage, key, meta);
    }
    return undefined;
  }

  private async versions(req: EngineRequest, action: string, key: string): Promise<undefined> {
    const list = versionList(req.data.versions);
    if (!list.length) throw new BadRequestError(action === 'destroy' ? 'no version number provided' : 'No version number provided');
    const meta = await readMeta(req.storage, key);
    if (!meta) return undefined;
    const now = req.clock.now();
    for (const n of list) {
      const vm = meta.versions[String(n)];
      if (!vm) continue;
      if (action === 'delete' && !vm.destroyed && !isDeleted(vm, now)) vm.deletion_time = iso(now);
      if (action === 'undelete' && !vm.destroyed) vm.deletion_time = '';
      if (action === 'destroy' && !vm.destroyed) {
        vm.destroyed = true;
        await req.storage.delete(versionKey(key, n));
      }
    }
    await writeMeta(req.storage, key, meta);
    return undefined;
  }

  private async subkeys(req: EngineRequest, key: string): Promise<LogicalResponse | undefined> {
    const r = await this.read(req, key);
    if (!r || r.status === 404) return r;
    const depth = req.data.depth === undefined ? 0 : Number(req.data.depth);
    const shape = (v: unknown, d: number): unknown =>
      v !== null && typeof v === 'object' && !Array.isArray(v) && (depth === 0 || d < depth) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x, d + 1)])) : null;
    const { data, metadata } = r.data as { data: Record<string, unknown>; metadata: unknown };
    return { data: { subkeys: shape(data, 0), metadata } };
  }

  private async config(req: EngineRequest): Promise<LogicalResponse | undefined> {
    if (req.operation === 'read') return { data: { ...(await readConfig(req.storage)) } };
    if (req.operation !== 'update' && req.operation !== 'create') throw new UnsupportedOperationError();
    const c = await readConfig(req.storage);
    if (req.data.max_versions !== undefined) c.max_versions = nonNegative(req.data.max_versions, 'max_versions');
    if (req.data.cas_required !== undefined) c.cas_required = req.data.cas_required === true || req.data.cas_required === 'true';
    if (req.data.delete_version_after !== undefined) {
      parseDuration(req.data.delete_version_after, 'delete_version_after');
      c.delete_version_after = String(req.data.delete_version_after);
    }
    await putJson(req.storage, 'config', c);
    return undefined;
  }

  /** Removes versions beyond `max`, oldest first, advancing oldest_version. */
  private async trim(req: EngineRequest, key: string, meta: KeyMeta, max: number): Promise<void> {
    while (meta.current_version - meta.oldest_version + 1 > max) {
      await req.storage.delete(versionKey(key, meta.oldest_version));
      delete meta.versions[String(meta.oldest_version)];
      meta.oldest_version++;
    }
  }
}

/** A non-negative integer field. */
export function nonNegative(v: unknown, field: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new BadRequestError(`${field} must be a non-negative integer`);
  return n;
}

/** 'data/a/b' → ['data', 'a/b']. */
function split(path: string): [string, string] {
  const i = path.indexOf('/');
  return i < 0 ? [path, ''] : [path.slice(0, i), path.slice(i + 1)];
}
