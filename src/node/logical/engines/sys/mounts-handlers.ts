/**
 * The mount table over the API: sys/mounts (list, enable, disable, read one, tune),
 * sys/auth (read-only: auth/token/ is the only auth method), and the
 * sys/internal/ui/mounts preflight. Each family is a SysHandler; the checks live in
 * mount-enable.ts and mount-tune.ts.
 */
import { BadRequestError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import type { EngineRequest } from '../engine.ts';
import { unsupportedOperation } from '../kv/field-data.ts';
import { buildMount, PROTECTED_MOUNTS, sanitizePath } from './mount-enable.ts';
import { mountInfo } from './mount-info.ts';
import { tuneMount } from './mount-tune.ts';
import type { SysHandler } from './sys-engine.ts';
import { uiMountHandlers } from './ui-mounts-handlers.ts';

/** Deletes every key under a prefix (a disabled mount's data). */
async function wipePrefix(sys: SystemView, prefix: string): Promise<void> {
  for (const child of await sys.storage.list(prefix)) {
    if (child.endsWith('/')) await wipePrefix(sys, prefix + child);
    else await sys.storage.delete(prefix + child);
  }
}

/** GET sys/mounts or sys/auth: the table's mounts keyed by path (injector route). */
function listTable(sys: SystemView, req: EngineRequest, table: 'secret' | 'auth'): LogicalResponse {
  if (req.operation !== 'read') throw unsupportedOperation();
  const data: Record<string, unknown> = {};
  for (const m of sys.mounts.all()) if (m.table === table) data[table === 'auth' ? m.path.slice('auth/'.length) : m.path] = mountInfo(m);
  return { data, injectTopLevel: true };
}

/** DELETE sys/mounts/:path: 204 whether or not anything was mounted there (Vault does not reveal which). */
async function disable(sys: SystemView, path: string): Promise<undefined> {
  const entry = sys.mounts.get(path);
  if (!entry) return undefined;
  if (PROTECTED_MOUNTS.some((p) => path.startsWith(p))) throw new BadRequestError(`cannot unmount ${JSON.stringify(path)}`);
  await sys.mounts.remove(path);
  await wipePrefix(sys, `logical/${entry.uuid}/`);
  return undefined;
}

/** sys/mounts/:path — read one (the mount serving the path), enable, disable. */
async function mountOne(sys: SystemView, req: EngineRequest): Promise<LogicalResponse | undefined> {
  const path = sanitizePath(req.path.slice('mounts/'.length));
  switch (req.operation) {
    case 'read': {
      const m = sys.mounts.match(path);
      if (!m) throw new BadRequestError(`No secret engine mount at ${path}`);
      return { data: mountInfo(m), injectTopLevel: true };
    }
    case 'delete':
      return disable(sys, path);
    case 'create':
    case 'update':
      await sys.mounts.add(buildMount(path, req.data, sys.mounts.all()));
      return undefined;
    default:
      throw unsupportedOperation();
  }
}

/** The mount-table handlers of the sys backend. */
export function mountHandlers(sys: SystemView): SysHandler[] {
  return [
    { matches: (p) => p === 'mounts' || p === 'mounts/', handle: async (req) => listTable(sys, req, 'secret') },
    { matches: (p) => p === 'auth' || p === 'auth/', handle: async (req) => listTable(sys, req, 'auth') },
    { matches: (p) => /^mounts\/.+\/tune$/.test(p), handle: (req) => tuneMount(sys, req) },
    { matches: (p) => p.startsWith('mounts/'), handle: (req) => mountOne(sys, req) },
    ...uiMountHandlers(sys),
  ];
}
