/**
 * sys/rotate and sys/key-status (Vault's handleRotate and handleKeyStatus). Rotate adds a
 * keyring term that every new write uses; values sealed under older terms stay readable, and
 * another node learns the term when it first meets a value sealed under it. Rotate needs
 * sudo (PathsSpecial.Root), key-status only `read`. Both are on Vault's list of routes whose
 * data is copied to the top level of the answer (injectDataIntoTopRoutes).
 */
import { UnsupportedOperationError } from '../../../errors.ts';
import type { SystemView } from '../../system-view.ts';
import { rfc3339Nano } from '../kv/kv-v2-store.ts';
import type { PathEntry } from '../path-table.ts';

/** The rotate and key-status paths. */
export function keyPaths(sys: SystemView): PathEntry[] {
  return [
    {
      pattern: /^rotate$/,
      operations: {
        update: async () => {
          await sys.keyring.rotate();
          return undefined;
        },
      },
      unsupported: () => new UnsupportedOperationError(),
    },
    {
      pattern: /^key-status$/,
      operations: {
        read: async () => {
          const k = sys.keyring.status();
          return {
            data: { term: k.term, install_time: rfc3339Nano(k.installTime.getTime()), encryptions: k.encryptions },
            injectTopLevel: true,
          };
        },
      },
      unsupported: () => new UnsupportedOperationError(),
    },
  ];
}
