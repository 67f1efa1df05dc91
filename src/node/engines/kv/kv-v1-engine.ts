/**
 * KV version 1: a flat JSON object per path, written whole, with a lease_duration
 * (the system default, or a `ttl`/`lease` key of the data). Also the engine under
 * cubbyhole/, whose storage is scoped to the caller's token.
 */
import { BadRequestError, UnsupportedOperationError } from '../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import { getJson, putJson, type Engine, type EngineRequest } from '../engine.ts';
import { parseDuration } from './kv-v2-store.ts';

/** Vault's system default lease: 768h. */
export const SYSTEM_DEFAULT_LEASE = 2_764_800;

/** Storage key of a path (the '' root can only be listed). */
function keyOf(path: string): string {
  return `data/${path}`;
}

/** KV v1 over whatever Storage the request carries. */
export class KvV1Engine implements Engine {
  constructor(private readonly leases = true) {}

  async exists(req: EngineRequest): Promise<boolean> {
    return req.path !== '' && (await req.storage.get(keyOf(req.path))) !== undefined;
  }

  async handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    switch (req.operation) {
      case 'list': {
        const keys = await req.storage.list(keyOf(req.path));
        return keys.length ? { data: { keys } } : undefined;
      }
      case 'read': {
        if (!req.path) return undefined;
        const data = await getJson<Record<string, unknown>>(req.storage, keyOf(req.path));
        if (!data) return undefined;
        return { data, leaseDuration: this.leases ? leaseOf(data) : undefined };
      }
      case 'create':
      case 'update': {
        if (!req.path) throw new UnsupportedOperationError();
        if (Object.keys(req.data).length === 0) throw new BadRequestError('missing data fields');
        await putJson(req.storage, keyOf(req.path), req.data);
        return undefined;
      }
      case 'delete':
        if (req.path) await req.storage.delete(keyOf(req.path));
        return undefined;
      default:
        throw new UnsupportedOperationError();
    }
  }
}

function leaseOf(data: Record<string, unknown>): number {
  const v = data.ttl ?? data.lease;
  if (v === undefined) return SYSTEM_DEFAULT_LEASE;
  try {
    return Math.floor(parseDuration(v, 'ttl') / 1000);
  } catch {
    return SYSTEM_DEFAULT_LEASE;
  }
}
