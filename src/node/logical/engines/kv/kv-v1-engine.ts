/**
 * KV version 1 (passthrough.go): a flat JSON object per path, written whole, read with
 * a lease_duration (the mount's default lease, or a `ttl`/`lease` key of the data). Also
 * the engine under cubbyhole/, whose storage is scoped to the caller's token and which
 * reports no lease.
 */
import { BadRequestError } from '../../../errors.ts';
import { effectiveTtls } from '../../mounts.ts';
import type { LogicalResponse } from '../../request.ts';
import { getJson, putJson, type Engine, type EngineRequest } from '../engine.ts';
import { checkExistence, listing, noContent, routeRequest, type PathTable } from '../path-table.ts';
import { parseDurationSecond, unsupportedOperation } from './field-data.ts';

/** Storage key of a path (entries live under data/ so a v1 → v2 upgrade can find them). */
function keyOf(path: string): string {
  return `data/${path}`;
}

/** The lease Vault reports for a v1 read: the data's ttl (or lease) when it parses, else the mount default. */
function leaseOf(data: Record<string, unknown>, mountDefault: number): number {
  const v = 'ttl' in data ? data.ttl : data.lease;
  if (v === undefined) return mountDefault;
  try {
    return parseDurationSecond(v);
  } catch {
    return mountDefault;
  }
}

/** KV v1 over whatever Storage the request carries: one path that takes every name. */
export class KvV1Engine implements Engine {
  private readonly table: PathTable = {
    paths: [
      {
        pattern: /^.*$/s,
        operations: {
          list: async (req) => listing(await req.storage.list(keyOf(req.path))),
          read: (req) => this.read(req),
          update: write,
          delete: noContent((req) => req.storage.delete(keyOf(req.path))),
        },
        exists: async (req) => req.path !== '' && (await req.storage.get(keyOf(req.path))) !== undefined,
      },
    ],
    unsupported: () => unsupportedOperation(),
    unmatched: () => unsupportedOperation(),
  };

  /** `leases` false: cubbyhole, which reports lease_duration 0. */
  constructor(private readonly leases = true) {}

  exists(req: EngineRequest): Promise<boolean | undefined> {
    return checkExistence(this.table, req);
  }

  handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    return routeRequest(this.table, req);
  }

  private async read(req: EngineRequest): Promise<LogicalResponse | undefined> {
    const data = await getJson<Record<string, unknown>>(req.storage, keyOf(req.path));
    if (!data) return undefined;
    return { data, leaseDuration: this.leases ? leaseOf(data, effectiveTtls(req.mount).defaultTtl) : undefined };
  }
}

/** A write replaces the whole entry. */
const write = noContent(async (req: EngineRequest) => {
  if (!req.path) throw new BadRequestError('missing path');
  if (Object.keys(req.data).length === 0) throw new BadRequestError('missing data fields');
  await putJson(req.storage, keyOf(req.path), req.data);
});
