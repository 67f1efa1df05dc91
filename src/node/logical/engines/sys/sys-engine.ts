/**
 * The logical side of the `sys/` mount: the endpoints that go through token and ACL
 * checks like any engine (mounts, policies, capabilities...). The raw, unauthenticated
 * handlers (init, unseal, seal-status, health, leader) live in src/api. Each family of
 * endpoints is its own small handler; this file only dispatches by path.
 */
import { UnsupportedOperationError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import type { Engine, EngineRequest } from '../engine.ts';
import { haStatusHandlers } from './ha-status-handler.ts';
import { mountHandlers } from './mounts-handlers.ts';
import { policyHandlers } from './policy-handlers.ts';

/** One sys endpoint family: returns undefined from `matches` when the path is not its own. */
export interface SysHandler {
  matches(path: string): boolean;
  handle(req: EngineRequest): Promise<LogicalResponse | undefined>;
}

/** The sys backend for one node. */
export class SysEngine implements Engine {
  private readonly handlers: SysHandler[];

  constructor(sys: SystemView, extra: SysHandler[] = []) {
    this.handlers = [...extra, ...mountHandlers(sys), ...policyHandlers(sys), ...haStatusHandlers(sys)];
  }

  async handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    for (const h of this.handlers) if (h.matches(req.path)) return h.handle(req);
    throw new UnsupportedOperationError('unsupported path');
  }
}
