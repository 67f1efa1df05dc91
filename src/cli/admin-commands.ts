/** `vaultlab secrets enable|disable|list` and `vaultlab policy write|read|list|delete`, with Vault's wording. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { withClient } from './client.ts';
import { columnize } from './columnize.ts';
import { ADDRESS_HELP, FORMAT_HELP } from './help-texts.ts';
import { out, outData, parseFormat, type Run, UsageError } from './output.ts';

interface Addr {
  address?: string;
}
interface Formatted {
  format?: string;
  address?: string;
}
interface EnableOpts {
  path?: string;
  version?: string;
  description?: string;
  address?: string;
}

/** Registers the secrets and policy groups. */
export function registerAdmin(program: Command, run: Run): void {
  registerSecrets(program, run);
  registerPolicy(program, run);
}

/** `secrets enable|disable|list`. */
function registerSecrets(program: Command, run: Run): void {
  const secrets = program.command('secrets').description('enable, disable and list secrets engines');
  secrets
    .command('enable')
    .description('mount a secrets engine (kv, cubbyhole...) at a path')
    .argument('<type>', 'the engine type, e.g. kv')
    .option('--path <path>', 'where to mount it (default: the type)')
    .option('--version <v>', 'the KV version, 1 or 2')
    .option('--description <d>', 'a human-friendly description')
    .option('--address <addr>', ADDRESS_HELP)
    .action((type: string, o: EnableOpts) => run(() => secretsEnable(type, o)));
  secrets
    .command('disable')
    .description('unmount the secrets engine at a path, deleting its data')
    .argument('<path>', 'the mount path')
    .option('--address <addr>', ADDRESS_HELP)
    .action((path: string, o: Addr) => run(() => secretsDisable(path, o)));
  secrets
    .command('list')
    .description('list the mounted secrets engines')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((o: Formatted) => run(() => secretsList(o)));
}

function secretsEnable(type: string, o: EnableOpts): Promise<number> {
  return withClient(o.address, async (c) => {
    const path = (o.path ?? type).replace(/\/+$/, '');
    const body: Record<string, unknown> = { type, description: o.description ?? '' };
    if (o.version) body.options = { version: o.version };
    await c.call('POST', `sys/mounts/${path}`, body);
    out(`Success! Enabled the ${type} secrets engine at: ${path}/`);
    return 0;
  });
}

function secretsDisable(path: string, o: Addr): Promise<number> {
  return withClient(o.address, async (c) => {
    const p = path.replace(/\/+$/, '');
    await c.call('DELETE', `sys/mounts/${p}`);
    out(`Success! Disabled the secrets engine (if it existed) at: ${p}/`);
    return 0;
  });
}

function secretsList(o: Formatted): Promise<number> {
  return withClient(o.address, async (c) => {
    const data = (await c.call('GET', 'sys/mounts')).body.data as Record<string, { type: string; accessor: string; description: string }>;
    if (parseFormat(o.format) !== 'table') return (outData(data, parseFormat(o.format)), 0);
    const rows = Object.keys(data)
      .sort()
      .map((k) => [k, data[k].type, data[k].accessor, data[k].description]);
    out(columnize(['Path', 'Type', 'Accessor', 'Description'], rows));
    return 0;
  });
}

/** `policy write|read|list|delete`. */
function registerPolicy(program: Command, run: Run): void {
  const policy = program.command('policy').description('write, read, list and delete ACL policies');
  policy
    .command('write')
    .description('upload an ACL policy (HCL or JSON) under a name')
    .argument('<name>', 'the policy name')
    .argument('<file>', 'a policy file, or - for stdin')
    .option('--address <addr>', ADDRESS_HELP)
    .action((name: string, file: string, o: Addr) => run(() => policyWrite(name, file, o)));
  policy
    .command('read')
    .description('print an ACL policy')
    .argument('<name>', 'the policy name')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((name: string, o: Formatted) => run(() => policyRead(name, o)));
  policy
    .command('list')
    .description('list the ACL policies')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((o: Formatted) => run(() => policyList(o)));
  policy
    .command('delete')
    .description('delete an ACL policy')
    .argument('<name>', 'the policy name')
    .option('--address <addr>', ADDRESS_HELP)
    .action((name: string, o: Addr) => run(() => policyDelete(name, o)));
}

function policyWrite(name: string, file: string, o: Addr): Promise<number> {
  return withClient(o.address, async (c) => {
    const text = readFileSync(file === '-' ? 0 : file, 'utf8');
    if (!text.trim()) throw new UsageError('the policy is empty');
    await c.call('PUT', `sys/policies/acl/${name}`, { policy: text });
    out(`Success! Uploaded policy: ${name}`);
    return 0;
  });
}

function policyRead(name: string, o: Formatted): Promise<number> {
  return withClient(o.address, async (c) => {
    const r = (await c.call('GET', `sys/policies/acl/${name}`)).body;
    if (parseFormat(o.format) !== 'table') outData(r, parseFormat(o.format));
    else out(r.data.policy);
    return 0;
  });
}

function policyList(o: Formatted): Promise<number> {
  return withClient(o.address, async (c) => {
    const keys: string[] = (await c.call('GET', 'sys/policies/acl?list=true')).body.data.keys;
    if (parseFormat(o.format) !== 'table') outData(keys, parseFormat(o.format));
    else out(keys.join('\n'));
    return 0;
  });
}

function policyDelete(name: string, o: Addr): Promise<number> {
  return withClient(o.address, async (c) => {
    await c.call('DELETE', `sys/policies/acl/${name}`);
    out(`Success! Deleted policy: ${name}`);
    return 0;
  });
}
