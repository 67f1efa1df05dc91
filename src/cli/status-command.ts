/** `vaultlab status`: `vault status`'s table (seal-status + leader), exit 0 unsealed, 2 sealed, 1 error. */
import type { Command } from 'commander';
import { ConnectError, withClient } from './client.ts';
import { kvTable } from './columnize.ts';
import { ADDRESS_HELP, FORMAT_HELP } from './help-texts.ts';
import { err, type Format, out, outData, parseFormat, reportError, type Run, UsageError } from './output.ts';

/** The rows of `vault status`, in Vault's order (command/format.go). */
export function statusRows(s: any, l: any | undefined): Array<[string, unknown]> {
  const rows: Array<[string, unknown]> = [
    ['Seal Type', s.type],
    ['Initialized', s.initialized],
    ['Sealed', s.sealed],
    ['Total Shares', s.n],
    ['Threshold', s.t],
  ];
  if (s.sealed) rows.push(['Unseal Progress', `${s.progress}/${s.t}`], ['Unseal Nonce', s.nonce]);
  rows.push(['Version', s.version], ['Build Date', s.build_date], ['Storage Type', s.storage_type]);
  if (s.cluster_name && s.cluster_id) rows.push(['Cluster Name', s.cluster_name], ['Cluster ID', s.cluster_id]);
  if (l) {
    rows.push(['HA Enabled', l.ha_enabled]);
    if (l.ha_enabled && !s.sealed) {
      rows.push(['HA Cluster', l.leader_cluster_address || 'n/a'], ['HA Mode', l.is_self ? 'active' : 'standby']);
      if (l.is_self) rows.push(['Active Since', l.active_time]);
      else rows.push(['Active Node Address', l.leader_address || '<none>']);
    }
  }
  return rows;
}

/**
 * One node's status. Unlike other commands, `vault status` keeps exit 2 for "sealed" alone: any
 * error, a refused connection included, exits 1, so scripts can tell a sealed node from no node.
 */
async function singleStatus(format: Format, address: string | undefined): Promise<number> {
  try {
    return await withClient(address, async (client) => {
      const s = (await client.call('GET', 'sys/seal-status')).body;
      let l: any;
      try {
        l = (await client.call('GET', 'sys/leader')).body;
      } catch {
        l = { ha_enabled: true };
      }
      if (format !== 'table') outData({ ...s, ...l }, format);
      else out(kvTable(statusRows(s, l)));
      return s.sealed ? 2 : 0;
    });
  } catch (e) {
    // A failed certificate check in vault status's own words; other failures keep the lab's hints.
    if (e instanceof ConnectError && e.goError) err(e.message.replace(/^Error: /, 'Error checking seal status: '));
    else reportError(e);
    return 1;
  }
}

/** Registers `status`. */
export function registerStatus(program: Command, run: Run): void {
  program
    .command('status')
    .description('print the seal and HA status of a node (exit 0 unsealed, 2 sealed); --all for every lab node')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .option('--all', 'one row per lab node (vaultlab up), the HA lock and the faults in force')
    .option('--watch [interval]', 'with --all: redraw every interval (default 1s) until Ctrl-C')
    .action((opts: { format?: string; address?: string; all?: boolean; watch?: string | true }) =>
      run(async () => {
        if (opts.all) return (await import('./status-all-command.ts')).statusAll(parseFormat(opts.format), opts.watch);
        if (opts.watch !== undefined) throw new UsageError('-watch goes with --all (vaultlab status --all -watch)');
        return singleStatus(parseFormat(opts.format), opts.address);
      }),
    );
}
