/**
 * The mount table over the API: sys/mounts (list, enable, disable, read one, tune),
 * sys/auth (auth-handlers.ts), and the
 * sys/internal/ui/mounts preflight, as path-table entries; the checks live in
 * mount-enable.ts and mount-tune.ts.
 */
import { BadRequestError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import { deleteTree } from '../engine.ts';
import type { PathEntry, PathOperations } from '../path-table.ts';
import { buildMount, PROTECTED_MOUNTS, sanitizePath } from './mount-enable.ts';
import { mountInfo, mountKey } from './mount-info.ts';
import { authPaths } from './auth-handlers.ts';
import { tunePath } from './mount-tune.ts';
import { uiMountPaths } from './ui-mounts-handlers.ts';

/** GET sys/mounts: the table's mounts keyed by path (injector route). */
function listTable(sys: SystemView, table: 'secret'): LogicalResponse {
  const data: Record<string, unknown> = {};
  for (const m of sys.mounts.all()) if (m.table === table) data[mountKey(m)] = mountInfo(m);
  return { data, injectTopLevel: true };
}

/** DELETE sys/mounts/:path: 204 whether or not anything was mounted there (Vault does not reveal which). */
async function disable(sys: SystemView, path: string): Promise<undefined> {
  const entry = sys.mounts.get(path);
  if (!entry) return undefined;
  if (PROTECTED_MOUNTS.some((p) => path.startsWith(p))) throw new BadRequestError(`cannot unmount ${JSON.stringify(path)}`);
  await sys.mounts.remove(path);
  await deleteTree(sys.storage, `logical/${entry.uuid}/`);
  return undefined;
}

/** sys/mounts/:path — read one (the mount serving the path), enable, disable. */
function mountOne(sys: SystemView): PathOperations {
  return {
    read: async (_req, params) => {
      const path = sanitizePath(params.path);
      const m = sys.mounts.match(path);
      if (!m) throw new BadRequestError(`No secret engine mount at ${path}`);
      return { data: mountInfo(m), injectTopLevel: true };
    },
    delete: (_req, { path }) => disable(sys, sanitizePath(path)),
    update: async (req, { path }) => {
      await sys.mounts.add(buildMount(sanitizePath(path), req.data, sys.mounts.all()));
      return undefined;
    },
  };
}

/** The mount-table paths of the sys backend. */
export function mountPaths(sys: SystemView): PathEntry[] {
  return [
    { pattern: /^mounts\/?$/, operations: { read: async () => listTable(sys, 'secret') } },
    tunePath(sys, 'mounts'),
    tunePath(sys, 'auth'),
    ...authPaths(sys),
    { pattern: /^mounts\/(?<path>.*)$/s, operations: mountOne(sys) },
    ...uiMountPaths(sys),
  ];
}
