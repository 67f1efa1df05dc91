/**
 * A dashboard on a process lab the lab command did not start: a drill's, played with
 * `vaultlab drill NAME --processes --watch`. The same control endpoint as `up --processes`
 * serves (its page, its event stream, its verbs), with a fresh secret held only in memory and
 * in the printed address, so whoever watches a drill can also break it further.
 */
import { randomBytes } from 'node:crypto';
import { dashboardUrl } from '../control-auth.ts';
import type { WatchServer } from '../watch-server.ts';
import { ProcessFaults } from './process-faults.ts';
import type { ProcessLab } from './process-lab.ts';
import { startProcessControl } from './process-control.ts';
import { unsealProcesses } from './process-keys.ts';

/** Serves the dashboard for `lab` on 127.0.0.1:`port` (0: any free port); the token and keys are the drill's. */
export async function watchProcessLab(lab: ProcessLab, access: { token: string; keys: string[] }, port = 0): Promise<WatchServer> {
  const secret = randomBytes(32).toString('base64url');
  const faults = new ProcessFaults(lab, () => access.token);
  const controls = { lab, faults, unsealAll: () => unsealProcesses(lab.nodes, access.keys), down: async () => undefined };
  const server = await startProcessControl(controls, port, secret);
  return {
    url: dashboardUrl(server.url, secret),
    watchers: server.watchers,
    close: async () => {
      faults.close();
      await server.close();
    },
  };
}
