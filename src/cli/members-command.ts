/**
 * `vaultlab operator members`: what `vault operator members` prints from sys/ha-status,
 * the active and the standbys it has heard from. The table has Vault's columns (Last Echo
 * in RFC 3339 to the second, empty cells as n/a); -format=json prints what the Go client
 * decodes, `{"Nodes": [...]}` (its struct field has no JSON tag, hence the capital N).
 */
import type { Command } from 'commander';
import { withClient } from './client.ts';
import { columnize } from './columnize.ts';
import { ADDRESS_HELP, FORMAT_HELP } from './help-texts.ts';
import { out, outData, parseFormat, type Run } from './output.ts';

const COLUMNS = [
  'Host Name',
  'API Address',
  'Cluster Address',
  'Active Node',
  'Version',
  'Upgrade Version',
  'Redundancy Zone',
  'Last Echo',
];

/** Go's time.RFC3339: seconds, no fraction. */
function rfc3339(v: unknown): string {
  return typeof v === 'string' && v ? new Date(v).toISOString().replace(/\.\d+Z$/, 'Z') : '';
}

/** Registers `operator members` on the operator group. */
export function registerMembers(op: Command, run: Run): void {
  op.command('members')
    .description('list the active node and the standbys it has heard from (sys/ha-status)')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((o: { format?: string; address?: string }) =>
      run(async () => {
        const format = parseFormat(o.format);
        const body = (await withClient(o.address, (c) => c.call('GET', 'sys/ha-status'))).body;
        const nodes = (body.nodes ?? body.data?.nodes ?? []) as Array<Record<string, unknown>>;
        if (format !== 'table') outData({ Nodes: nodes }, format);
        else {
          out(
            columnize(
              COLUMNS,
              nodes.map(
                (n) =>
                  [
                    n.hostname,
                    n.api_address,
                    n.cluster_address,
                    String(n.active_node),
                    n.version,
                    n.upgrade_version,
                    n.redundancy_zone,
                    rfc3339(n.last_echo),
                  ] as string[],
              ),
            ),
          );
        }
        return 0;
      }),
    );
}
