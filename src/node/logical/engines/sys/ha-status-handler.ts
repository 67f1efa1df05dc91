/**
 * sys/ha-status (Vault 1.10+, what `vault operator members` prints). A logical path like
 * any other: a standby forwards it, so it is always the active that answers, and the ACL
 * asks for `read` on sys/ha-status (not a sudo path in Vault's PathsSpecial.Root, and not
 * in the default policy). Vault copies its data to the top level of the envelope
 * (injectDataIntoTopRoutes), which is where the Go client's HAStatus() reads `nodes`.
 */
import { UnsupportedOperationError } from '../../../errors.ts';
import type { SystemView } from '../../system-view.ts';
import type { PathEntry } from '../path-table.ts';

/** The ha-status path. */
export function haStatusPaths(sys: SystemView): PathEntry[] {
  return [
    {
      pattern: /^ha-status$/,
      operations: { read: async () => ({ data: { nodes: sys.haMembers() }, injectTopLevel: true }) },
      unsupported: () => new UnsupportedOperationError(),
    },
  ];
}
