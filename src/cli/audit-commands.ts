/** `vaultlab audit enable|list|disable`, in Vault's words (command/audit_enable.go, audit_list.go, audit_disable.go). */
import type { Command } from 'commander';
import { ApiError, withClient } from './client.ts';
import { columnize } from './columnize.ts';
import { ADDRESS_HELP, FORMAT_HELP } from './help-texts.ts';
import { err, out, outData, parseFormat, type Run } from './output.ts';

interface EnableOpts {
  path?: string;
  description?: string;
  local?: boolean;
  address?: string;
}
interface ListOpts {
  detailed?: boolean;
  format?: string;
  address?: string;
}
interface Device {
  type: string;
  description: string;
  options: Record<string, string> | null;
  local: boolean;
  path: string;
}

/** Vault's sanitizePath and ensureTrailingSlash: no surrounding blanks or leading slashes, one trailing slash. */
function devicePath(p: string): string {
  const s = p.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  return `${s}/`;
}

/** The request path for a device: the Go client joins it with path.Join, which drops the trailing slash. */
function deviceUrl(path: string): string {
  return `sys/audit/${path.replace(/\/+$/, '')}`;
}

/** Runs an API call; a server error is printed after Vault's `prefix` and exits 2. */
async function orFail(prefix: string, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    err(`${prefix}: ${e.message}`);
    return 2;
  }
}

/** K=V arguments, as `vault write` takes them. */
function parseOptions(args: string[]): Record<string, string> | string {
  const options: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) return `Failed to parse K=V data: invalid key/value pair ${JSON.stringify(a)}: format must be key=value`;
    options[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return options;
}

function auditEnable(args: string[], o: EnableOpts): Promise<number> {
  if (args.length < 1) {
    err("Error enabling audit device: audit type missing. Valid types include 'file', 'socket' and 'syslog'.");
    return Promise.resolve(1);
  }
  const type = args[0].trim();
  const path = devicePath(o.path || type);
  const options = parseOptions(args.slice(1));
  if (typeof options === 'string') {
    err(options);
    return Promise.resolve(1);
  }
  return withClient(o.address, (c) =>
    orFail('Error enabling audit device', async () => {
      await c.call('PUT', deviceUrl(path), { type, description: o.description ?? '', options, local: o.local === true });
      out(`Success! Enabled the ${type} audit device at: ${path}`);
      return 0;
    }),
  );
}

function auditList(args: string[], o: ListOpts): Promise<number> {
  if (args.length > 0) {
    err(`Too many arguments (expected 0, got ${args.length})`);
    return Promise.resolve(1);
  }
  const format = parseFormat(o.format);
  return withClient(o.address, (c) =>
    orFail('Error listing audits', async () => {
      const devices = (await c.call('GET', 'sys/audit')).body.data as Record<string, Device>;
      if (format !== 'table') return (outData(devices, format), 0);
      const paths = Object.keys(devices).sort();
      if (!paths.length) {
        out('No audit devices are enabled.');
        return 2;
      }
      if (!o.detailed) {
        out(
          columnize(
            ['Path', 'Type', 'Description'],
            paths.map((p) => [devices[p].path, devices[p].type, devices[p].description]),
          ),
        );
        return 0;
      }
      const rows = paths.map((p) => {
        const d = devices[p];
        // Go prints the options map in random order; sorted here, so the table is stable.
        const opts = Object.keys(d.options ?? {})
          .sort()
          .map((k) => `${k}=${d.options![k]}`)
          .join(' ');
        return [p, d.type, d.description, d.local ? 'local' : 'replicated', opts];
      });
      out(columnize(['Path', 'Type', 'Description', 'Replication', 'Options'], rows));
      return 0;
    }),
  );
}

function auditDisable(args: string[], o: { address?: string }): Promise<number> {
  if (args.length !== 1) {
    err(`${args.length < 1 ? 'Not enough' : 'Too many'} arguments (expected 1, got ${args.length})`);
    return Promise.resolve(1);
  }
  const path = devicePath(args[0]);
  return withClient(o.address, (c) =>
    orFail('Error disabling audit device', async () => {
      await c.call('DELETE', deviceUrl(path));
      out(`Success! Disabled audit device (if it was enabled) at: ${path}`);
      return 0;
    }),
  );
}

/** Registers `audit enable|list|disable`. */
export function registerAudit(program: Command, run: Run): void {
  const audit = program.command('audit').description('enable, disable and list audit devices');
  audit
    .command('enable')
    .description('enable an audit device: TYPE [K=V...], e.g. file file_path=/var/log/vault_audit.log')
    .argument('[args...]', 'the device type, then its options as K=V')
    .option('--path <path>', 'where the device is enabled (default: the type)')
    .option('--description <d>', 'a human-friendly description')
    .option('--local', 'a local-only device (not replicated)')
    .option('--address <addr>', ADDRESS_HELP)
    .action((args: string[], o: EnableOpts) => run(() => auditEnable(args, o)));
  audit
    .command('list')
    .description('list the enabled audit devices')
    .argument('[args...]')
    .option('--detailed', 'also show replication and options')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((args: string[], o: ListOpts) => run(() => auditList(args, o)));
  audit
    .command('disable')
    .description('disable the audit device at PATH (its path, not its type)')
    .argument('[args...]', 'the device path')
    .option('--address <addr>', ADDRESS_HELP)
    .action((args: string[], o: { address?: string }) => run(() => auditDisable(args, o)));
}
