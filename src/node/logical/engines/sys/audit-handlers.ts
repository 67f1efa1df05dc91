/**
 * The audit device endpoints of the sys backend: `sys/audit` (the table), `sys/audit/:path`
 * (enable, disable) and `sys/audit-hash/:path`. `sys/audit` and `sys/audit/*` are
 * root-protected in Vault (PathsSpecial.Root): the ACL check demands sudo before these run.
 */
import { BadRequestError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import { fieldData } from '../kv/field-data.ts';
import type { PathEntry } from '../path-table.ts';

const ENABLE_SCHEMA = { type: 'string', description: 'string', options: 'kvPairs', local: 'bool' } as const;
const HASH_SCHEMA = { input: 'string' } as const;

/** GET sys/audit: each device under its path (handleAuditTable), also copied to the top level. */
function listDevices(sys: SystemView): LogicalResponse {
  const data: Record<string, unknown> = {};
  for (const e of sys.audit.all()) {
    data[e.path] = { type: e.type, description: e.description, options: e.options, local: e.local, path: e.path };
  }
  return { data, injectTopLevel: true };
}

/** The audit paths of the sys backend. */
export function auditPaths(sys: SystemView): PathEntry[] {
  return [
    { pattern: /^audit\/?$/, operations: { read: async () => listDevices(sys) } },
    {
      pattern: /^audit-hash\/(?<path>.+)$/s,
      operations: {
        update: async (req, params) => {
          const { input } = fieldData(req.data, HASH_SCHEMA);
          if (!input) throw new BadRequestError('the "input" parameter is empty');
          const path = params.path.replace(/^\/+/, '');
          return { data: { hash: sys.audit.hash(path.endsWith('/') ? path : `${path}/`, input) }, injectTopLevel: true };
        },
      },
    },
    {
      pattern: /^audit\/(?<path>.+)$/s,
      operations: {
        update: async (req, params) => {
          const f = fieldData(req.data, ENABLE_SCHEMA);
          await sys.audit.enable({
            path: params.path,
            type: f.type ?? '',
            description: f.description ?? '',
            options: f.options ?? {},
            local: f.local ?? false,
          });
          return undefined;
        },
        delete: async (_req, params) => {
          await sys.audit.disable(params.path);
          return undefined;
        },
      },
    },
  ];
}
