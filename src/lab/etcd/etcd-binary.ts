/**
 * Where the etcd binary is: the lab runs Debian's etcd as child processes, and a missing
 * binary should say how to install it rather than fail later with a bare ENOENT from spawn.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The error when no etcd binary is found. */
export const ETCD_INSTALL =
  'etcd is not installed: run "apt-get install -y etcd-server" (Debian), or pass --etcd URLS to use a running cluster';

/** Debian's etcd-server package puts the binary here. */
const DEBIAN_ETCD = '/usr/bin/etcd';

/** The etcd binary to run: $VAULTLAB_ETCD, else Debian's, else the first on PATH; throws ETCD_INSTALL when there is none. */
export function etcdBinary(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string {
  const chosen = env.VAULTLAB_ETCD;
  if (chosen) {
    // A path the user named on purpose must not be silently replaced by another etcd.
    if (!exists(chosen)) throw new Error(`VAULTLAB_ETCD is set to ${chosen}, which does not exist`);
    return chosen;
  }
  if (exists(DEBIAN_ETCD)) return DEBIAN_ETCD;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && exists(join(dir, 'etcd'))) return join(dir, 'etcd');
  }
  throw new Error(ETCD_INSTALL);
}
