/**
 * `vaultlab down` and `vaultlab reset`: ending a lab and removing its state, neither by
 * accident. `down` stops a running lab; on a lab whose process is gone (killed, crashed) it
 * removes the stale files that process left and says so. `reset` removes the lab's keys and
 * data for good: never while the lab runs, and only once asked (or with -force).
 */
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  busyMessage,
  DATA_DIR,
  ETCD_DIR,
  PROCESSES_DIR,
  KEYS_FILE,
  LAB_FILE,
  liveLabPid,
  LOCK_FILE,
  readLabFile,
  readLockPid,
  removeStaleFiles,
  TLS_DIR,
  TOKEN_FILE,
  CONTROL_SECRET_FILE,
} from '../lab/client-door.ts';
import { labHome } from './client.ts';
import { control } from './lab-control.ts';
import { out, UsageError } from './output.ts';
import { askYesNo } from './prompt.ts';

/** `down`: stops the running lab, or clears what a dead one left behind. */
export async function down(): Promise<number> {
  const home = labHome();
  const file = readLabFile(home);
  const lockPid = readLockPid(home);
  if (!file && lockPid === undefined) throw new UsageError(`no lab is running here (${join(home, LAB_FILE)} not found): run "vaultlab up"`);
  const live = liveLabPid(home);
  if (live === undefined) {
    const pid = file?.pid ?? lockPid;
    const removed = removeStaleFiles(home);
    out(`the lab (pid ${pid}) was not running: removed its stale files (${removed.join(', ')})`);
    return 0;
  }
  await control('POST', 'down', {}, file);
  out('Success! The lab is down.');
  return 0;
}

/** The lab's state in `home`, as the names `reset` removes. */
function stateNames(home: string): string[] {
  return [KEYS_FILE, DATA_DIR, ETCD_DIR, PROCESSES_DIR, TOKEN_FILE, LAB_FILE, CONTROL_SECRET_FILE, TLS_DIR, LOCK_FILE].filter((n) =>
    existsSync(join(home, n)),
  );
}

/** `reset`: removes the lab's keys, data, saved token and any stale files; refuses while the lab runs. */
export async function reset(force: boolean): Promise<number> {
  const home = labHome();
  const pid = liveLabPid(home);
  if (pid !== undefined) throw new UsageError(busyMessage(home, pid, 'reset removes the keys and data it runs on'));
  const names = stateNames(home);
  if (names.length === 0) {
    out(`Nothing to remove: ${home} holds no lab.`);
    return 0;
  }
  const dirs = [DATA_DIR, ETCD_DIR, PROCESSES_DIR, TLS_DIR];
  const what = names.map((n) => (dirs.includes(n) ? `${n}/` : n)).join(', ');
  if (!force) {
    if (!process.stdin.isTTY)
      throw new UsageError(`reset removes ${what} in ${home} for good: pass -force to confirm (stdin is not a terminal)`);
    if (!(await askYesNo(`Remove the lab's state in ${home} (${what})? Its data can never be unsealed again. [y/N] `))) {
      out('Nothing removed.');
      return 0;
    }
  }
  for (const n of names) rmSync(join(home, n), { recursive: true, force: true });
  if (readdirSync(home).length === 0) rmdirSync(home);
  out(`Success! Removed ${what} from ${home}.`);
  return 0;
}
