/**
 * The auth table over the API (handleAuthTable, handleEnableAuth, handleDisableAuth,
 * handleReadAuth in vault/logical_system.go): list, enable, disable and read one auth method.
 * Auth methods live in the mount table beside the secret mounts, marked table 'auth', so the
 * router matches them like any mount and the table is persisted through the barrier with it.
 * Every check runs before the table changes, so a refused enable leaves storage untouched.
 */
import { BadRequestError, ConflictError } from '../../../errors.ts';
import { newMount, type MountEntry } from '../../mounts.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import { revokeByPathPrefix } from '../../token/login-token.ts';
import { deleteTree } from '../engine.ts';
import { fieldData } from '../kv/field-data.ts';
import type { PathEntry } from '../path-table.ts';
import { leaseTtls, sanitizePath } from './mount-enable.ts';
import { mountInfo, mountKey } from './mount-info.ts';

/** The credential plugins the lab builds (the rest of Vault's catalog is not). */
export const AUTH_TYPES = new Set(['userpass', 'approle']);

const SCHEMA = {
  type: 'string',
  description: 'string',
  config: 'map',
  local: 'bool',
  seal_wrap: 'bool',
  options: 'kvPairs',
  plugin_name: 'string',
} as const;

/** GET sys/auth: every auth method keyed by its path without 'auth/' (an injector route). */
function listAuth(sys: SystemView): LogicalResponse {
  const data: Record<string, unknown> = {};
  for (const m of sys.mounts.all()) if (m.table === 'auth') data[mountKey(m)] = mountInfo(m);
  return { data, injectTopLevel: true };
}

/** Validates an enable request against the auth table; returns the entry to add. */
export function buildAuthMount(path: string, data: Record<string, unknown>, table: MountEntry[]): MountEntry {
  const f = fieldData(data, SCHEMA);
  const cfg = f.config ?? {};
  const { defaultLeaseTtl, maxLeaseTtl } = leaseTtls(cfg);
  const type = (f.type === 'plugin' ? (cfg.plugin_name as string | undefined) || f.plugin_name : f.type) ?? '';
  if (!type) throw new BadRequestError('backend type must be specified as a string');
  if (path === '/') throw new BadRequestError('backend path must be specified');
  const clean = path.replace(/\/{2,}/g, '/');
  if (clean !== path) throw new BadRequestError(`path '${path}' does not match cleaned path '${clean}'`);
  for (const m of table) {
    if (m.table !== 'auth') continue;
    const existing = mountKey(m);
    if (existing.startsWith(path) || path.startsWith(existing)) throw new ConflictError(`path is already in use at ${existing}`);
  }
  if (type === 'token') throw new BadRequestError('token credential backend cannot be instantiated');
  if (!AUTH_TYPES.has(type)) throw new BadRequestError(`plugin not found in the catalog: ${type}`);
  const options = f.options ?? {};
  return newMount(`auth/${path}`, type, f.description ?? '', {
    table: 'auth',
    options: Object.keys(options).length ? options : null,
    local: f.local ?? false,
    sealWrap: f.seal_wrap ?? false,
    config: { defaultLeaseTtl, maxLeaseTtl, forceNoCache: cfg.force_no_cache === true },
  });
}

/** DELETE sys/auth/:path: the method, its data and every token it issued; 204 whether or not it existed. */
async function disableAuth(sys: SystemView, path: string): Promise<undefined> {
  if (path === 'token/') throw new BadRequestError('token credential backend cannot be disabled');
  const entry = sys.mounts.get(`auth/${path}`);
  if (!entry || entry.table !== 'auth') return undefined;
  await sys.mounts.remove(entry.path);
  await revokeByPathPrefix(sys, entry.path);
  await deleteTree(sys.storage, `logical/${entry.uuid}/`);
  return undefined;
}

/** The auth-table paths of the sys backend (the tune path is mount-tune.ts's, under auth/). */
export function authPaths(sys: SystemView): PathEntry[] {
  return [
    { pattern: /^auth\/?$/, operations: { read: async () => listAuth(sys) } },
    {
      pattern: /^auth\/(?<path>.*)$/s,
      operations: {
        read: async (_req, { path }) => {
          const p = sanitizePath(path);
          const m = sys.mounts.get(`auth/${p}`);
          if (!m || m.table !== 'auth') throw new BadRequestError(`No auth engine at ${p}`);
          return { data: mountInfo(m), injectTopLevel: true };
        },
        update: async (req, { path }) => {
          await sys.mounts.add(buildAuthMount(sanitizePath(path), req.data, sys.mounts.all()));
          return undefined;
        },
        delete: (_req, { path }) => disableAuth(sys, sanitizePath(path)),
      },
    },
  ];
}
