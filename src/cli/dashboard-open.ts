/**
 * `vaultlab ui`: the dashboard's address, with the lab's secret in its fragment, printed and
 * handed to the desktop's opener (xdg-open, open, start) when there is a desktop to open it
 * on. Where there is none (a server, CI, ssh), the address alone is the answer: paste it into
 * a browser on this machine.
 */
import { spawn } from 'node:child_process';
import { dashboardUrl, readControlSecret, type LabFile } from '../lab/client-door.ts';
import { labHome } from './client.ts';
import { out, UsageError } from './output.ts';

/** The platform's opener, or undefined where no desktop is known to be there to open it. */
function opener(): string[] | undefined {
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['cmd', '/c', 'start', ''];
  return process.env.DISPLAY || process.env.WAYLAND_DISPLAY ? ['xdg-open'] : undefined;
}

/** Prints the running lab's dashboard address and opens it unless told only to print; exit code 0. */
export async function openDashboard(lab: LabFile, printOnly: boolean): Promise<number> {
  const secret = readControlSecret(labHome());
  if (!secret) throw new UsageError(`the lab's control secret is missing: is the lab still up? run "vaultlab up"`);
  const url = dashboardUrl(lab.control, secret);
  out(url);
  const cmd = printOnly ? undefined : opener();
  if (cmd) {
    const child = spawn(cmd[0], [...cmd.slice(1), url], { stdio: 'ignore', detached: true });
    // A missing opener is not an error: the address is printed above.
    child.on('error', () => undefined);
    child.unref();
  }
  return 0;
}
