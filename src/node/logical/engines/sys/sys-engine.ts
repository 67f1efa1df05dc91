/**
 * The logical side of the `sys/` mount: the endpoints that go through token and ACL
 * checks like any engine (mounts, policies, capabilities...). The raw, unauthenticated
 * handlers (init, unseal, seal-status, health, leader) live in src/api. Each family of
 * endpoints declares its own paths; this file only puts them in one table.
 */
import { UnsupportedPathError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import type { Engine, EngineRequest } from '../engine.ts';
import { unsupportedOperation } from '../kv/field-data.ts';
import { routeRequest, type PathEntry, type PathTable } from '../path-table.ts';
import { auditPaths } from './audit-handlers.ts';
import { haStatusPaths } from './ha-status-handler.ts';
import { hostInfoPaths } from './host-info-handler.ts';
import { keyPaths } from './key-handlers.ts';
import { metricsPaths } from './metrics-handlers.ts';
import { mountPaths } from './mounts-handlers.ts';
import { policyPaths } from './policy-handlers.ts';

/** The sys backend for one node; `extra` paths come first. */
export class SysEngine implements Engine {
  private readonly table: PathTable;

  constructor(sys: SystemView, extra: readonly PathEntry[] = []) {
    this.table = {
      paths: [
        ...extra,
        ...mountPaths(sys),
        ...policyPaths(sys),
        ...auditPaths(sys),
        ...haStatusPaths(sys),
        ...metricsPaths(sys),
        ...hostInfoPaths(),
        ...keyPaths(sys),
      ],
      unsupported: () => unsupportedOperation(),
      unmatched: () => new UnsupportedPathError(),
    };
  }

  handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    return routeRequest(this.table, req);
  }
}
