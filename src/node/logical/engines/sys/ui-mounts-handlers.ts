/**
 * sys/internal/ui/mounts and sys/internal/ui/mounts/<path>: the preflight the `vault kv`
 * CLI (and the UI) makes to learn which mount serves a path and its KV version. Both
 * are served without a token; what they show depends on the token when there is one.
 */
import { PermissionDeniedError, VaultError } from '../../../errors.ts';
import type { MountEntry } from '../../mounts.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import type { EngineRequest } from '../engine.ts';
import type { PathEntry } from '../path-table.ts';
import { sanitizePath } from './mount-enable.ts';
import { hasMountAccess } from './mount-access.ts';
import { mountInfo, mountKey } from './mount-info.ts';

/** Vault's answer when the preflight finds no mount or no access (the same 403 for both). */
export class PreflightDeniedError extends VaultError {
  constructor(path: string) {
    super(
      'PERMISSION_DENIED',
      `preflight capability check returned 403, please ensure client's policies grant access to path ${JSON.stringify(path)}`,
    );
  }
}

/** A token was sent but is not valid: Vault refuses rather than answering as for no token. */
function checkToken(req: EngineRequest): void {
  if (req.token && !req.caller) throw new PermissionDeniedError();
}

/** A mount tuned listing_visibility=unauth shows to anyone; any other to a token that can reach it. */
async function visible(sys: SystemView, req: EngineRequest, m: MountEntry): Promise<boolean> {
  return m.config.listingVisibility === 'unauth' || (req.caller !== undefined && (await hasMountAccess(sys, req.caller, m.path)));
}

/** The listing: mounts tuned listing_visibility=unauth (reduced) without a token; those the token can reach (in full) with one. */
async function listMounts(sys: SystemView, req: EngineRequest): Promise<LogicalResponse> {
  checkToken(req);
  const secret: Record<string, unknown> = {};
  const auth: Record<string, unknown> = {};
  for (const m of sys.mounts.all()) {
    if (!(await visible(sys, req, m))) continue;
    const shown = req.caller ? mountInfo(m) : { description: m.description, options: m.options, type: m.type };
    (m.table === 'auth' ? auth : secret)[mountKey(m)] = shown;
  }
  return { data: { auth, secret } };
}

/** One mount: its info plus `path`, if the token may see it. */
async function readMount(sys: SystemView, req: EngineRequest, rawPath: string): Promise<LogicalResponse> {
  checkToken(req);
  const path = sanitizePath(rawPath);
  const mount = sys.mounts.match(path);
  if (!mount) throw new PreflightDeniedError(path);
  if (!(await visible(sys, req, mount))) throw new PreflightDeniedError(path);
  return { data: { ...mountInfo(mount), path: mountKey(mount) } };
}

/** The two preflight paths of the sys backend (read only). */
export function uiMountPaths(sys: SystemView): PathEntry[] {
  return [
    { pattern: /^internal\/ui\/mounts\/?$/, operations: { read: (req) => listMounts(sys, req) } },
    { pattern: /^internal\/ui\/mounts\/(?<path>.*)$/s, operations: { read: (req, { path }) => readMount(sys, req, path) } },
  ];
}
