/**
 * KV version 2 (vault-plugin-secrets-kv): versioned secrets under data/, their
 * metadata under metadata/. Versions are stored under a hash of the key so that a
 * key named like another key's version folder can never collide with it.
 */
import { createHash } from 'node:crypto';
import { BadRequestError, UnsupportedOperationError } from '../errors.ts';
import type { LogicalResponse } from '../request.ts';
import { getJson, putJson, type Engine, type EngineRequest } from './engine.ts';

/** Per-version metadata, as Vault reports it. */
interface VersionMeta {
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
}

/** A key's metadata record. */
interface KeyMeta {
  created_time: string;
  updated_time: string;
  current_version: number;
  oldest_version: number;
  max_versions: number;
  cas_required: boolean;
  delete_version_after: string;
  custom_metadata: Record<string, string> | null;
  versions: Record<string, VersionMeta>;
}

const DEFAULT_MAX_VERSIONS = 10;

function versionKey(key: string, version: number): string {
  return `versions/${createHash('sha256').update(key).digest('hex')}/${version}`;
}

function isoNano(ms: number): string {
  return new Date(ms).toISOString();
}

/** The KV v2 engine for one mount. */
export class KvV2Engine implements Engine {
  async exists(req: EngineRequest): Promise<boolean> {
    const [, key] = split(req.path);
    return key ? (await getJson<KeyMeta>(req.storage, `metadata/${key}`)) !== undefined : false;
  }

  async handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    const [section, key] = split(req.path);
    if (section === 'data' && key) {
      if (req.operation === 'read') return this.read(req, key);
      if (req.operation === 'create' || req.operation === 'update') return this.write(req, key);
    }
    if (section === 'metadata' && req.operation === 'read' && key) return this.readMetadata(req, key);
    if (section === 'metadata' && req.operation === 'list') {
      const keys = await req.storage.list(`metadata/${key}`);
      return keys.length ? { data: { keys } } : undefined;
    }
    throw new UnsupportedOperationError();
  }

  private async read(req: EngineRequest, key: string): Promise<LogicalResponse | undefined> {
    const meta = await getJson<KeyMeta>(req.storage, `metadata/${key}`);
    if (!meta) return undefined;
    const version = req.data.version !== undefined ? Number(req.data.version) : meta.current_version;
    const vm = meta.versions[String(version)];
    if (!vm) return undefined;
    const metadata = { ...vm, custom_metadata: meta.custom_metadata, version };
    if (vm.destroyed || vm.deletion_time) return { status: 404, data: { data: null, metadata } };
    const data = await getJson<Record<string, unknown>>(req.storage, versionKey(key, version));
    if (!data) return undefined;
    return { data: { data, metadata } };
  }

  private async write(req: EngineRequest, key: string): Promise<LogicalResponse> {
    const body = req.data.data;
    if (body === undefined || body === null) throw new BadRequestError('no data provided');
    if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('data must be a JSON object');
    const now = isoNano(req.clock.now());
    const meta: KeyMeta = (await getJson<KeyMeta>(req.storage, `metadata/${key}`)) ?? {
      created_time: now,
      updated_time: now,
      current_version: 0,
      oldest_version: 0,
      max_versions: 0,
      cas_required: false,
      delete_version_after: '0s',
      custom_metadata: null,
      versions: {},
    };
    const options = (req.data.options ?? {}) as Record<string, unknown>;
    if (options.cas !== undefined && Number(options.cas) !== meta.current_version) {
      throw new BadRequestError('check-and-set parameter did not match the current version');
    }
    if (options.cas === undefined && meta.cas_required) throw new BadRequestError('check-and-set parameter required for this call');
    const version = meta.current_version + 1;
    await putJson(req.storage, versionKey(key, version), body);
    meta.current_version = version;
    meta.updated_time = now;
    meta.versions[String(version)] = { created_time: now, deletion_time: '', destroyed: false };
    if (meta.oldest_version === 0) meta.oldest_version = 1;
    await this.trim(req, key, meta);
    await putJson(req.storage, `metadata/${key}`, meta);
    return { data: { created_time: now, custom_metadata: meta.custom_metadata, deletion_time: '', destroyed: false, version } };
  }

  /** Drops versions beyond max_versions, oldest first. */
  private async trim(req: EngineRequest, key: string, meta: KeyMeta): Promise<void> {
    const max = meta.max_versions || DEFAULT_MAX_VERSIONS;
    while (meta.current_version - meta.oldest_version + 1 > max) {
      await req.storage.delete(versionKey(key, meta.oldest_version));
      delete meta.versions[String(meta.oldest_version)];
      meta.oldest_version++;
    }
  }

  private async readMetadata(req: EngineRequest, key: string): Promise<LogicalResponse | undefined> {
    const meta = await getJson<KeyMeta>(req.storage, `metadata/${key}`);
    return meta ? { data: { ...meta } } : undefined;
  }
}

/** 'data/a/b' → ['data', 'a/b']. */
function split(path: string): [string, string] {
  const i = path.indexOf('/');
  return i < 0 ? [path, ''] : [path.slice(0, i), path.slice(i + 1)];
}
