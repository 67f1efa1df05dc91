/**
 * The logical side of the `sys/` mount: the endpoints that go through token and ACL
 * checks like any engine (mounts, policies, capabilities...). The raw, unauthenticated
 * handlers (init, unseal, seal-status, health, leader) live in src/api. Each family of
 * endpoints is its own small handler; this file only dispatches by path.
 */
import { UnsupportedOperationError, VaultError } from '../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { VaultNode } from '../../vault-node.ts';
import type { Engine, EngineRequest } from '../engine.ts';
import { mountInfo } from './mount-info.ts';

/** One sys endpoint family: returns undefined from `matches` when the path is not its own. */
export interface SysHandler {
  matches(path: string): boolean;
  handle(req: EngineRequest): Promise<LogicalResponse | undefined>;
}

/** The sys backend for one node. */
export class SysEngine implements Engine {
  private readonly handlers: SysHandler[];

  constructor(
    private readonly node: VaultNode,
    extra: SysHandler[] = [],
  ) {
    this.handlers = [...extra, this.uiMounts(), this.mountsList()];
  }

  async handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    for (const h of this.handlers) if (h.matches(req.path)) return h.handle(req);
    throw new UnsupportedOperationError('unsupported path');
  }

  /** `GET sys/mounts`: every secrets mount (an injector route). */
  private mountsList(): SysHandler {
    return {
      matches: (p) => p === 'mounts' || p === 'mounts/',
      handle: async (req) => {
        if (req.operation !== 'read') throw new UnsupportedOperationError();
        const data: Record<string, unknown> = {};
        for (const m of this.node.mounts.all()) if (m.table === 'secret') data[m.path] = mountInfo(m);
        return { data, injectTopLevel: true };
      },
    };
  }

  /** `GET sys/internal/ui/mounts/<path>`: the `vault kv` preflight that tells KV v1 from v2. */
  private uiMounts(): SysHandler {
    return {
      matches: (p) => p.startsWith('internal/ui/mounts/'),
      handle: async (req) => {
        const target = req.path.slice('internal/ui/mounts/'.length);
        const mount = this.node.mounts.match(target);
        if (!mount || !req.caller || mount.table !== 'secret') {
          throw new PreflightDeniedError(target);
        }
        return { data: { ...mountInfo(mount), path: mount.path } };
      },
    };
  }
}

/** Vault's answer when the preflight finds no mount or no access (the same 403 for both). */
export class PreflightDeniedError extends VaultError {
  constructor(path: string) {
    const mount = `${path.split('/')[0]}/`;
    super('PERMISSION_DENIED', `preflight capability check returned 403, please ensure client's policies grant access to path ${JSON.stringify(mount)}`);
  }
}
