/**
 * `vaultlab auth enable|disable|list` and the auth-method forms of `vaultlab login`
 * (-method=userpass username=... [password=...], -method=approle role_id=... secret_id=...),
 * with the vault CLI's words. A login keeps its token in vaultlab's own token file, as the
 * token form of login does.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { withClient, type VaultClient } from './client.ts';
import { columnize, kvTable } from './columnize.ts';
import { ADDRESS_HELP, FORMAT_HELP } from './help-texts.ts';
import { out, outData, parseFormat, type Run, UsageError } from './output.ts';
import { authRows } from './secret-output.ts';
import { storeToken } from './token-file.ts';

interface EnableOpts {
  path?: string;
  description?: string;
  defaultLeaseTtl?: string;
  maxLeaseTtl?: string;
  address?: string;
}

/** What `vault login` prints above the token table. */
export const LOGIN_BANNER =
  'Success! You are now authenticated. The token information displayed below\nis already stored in the token helper. You do NOT need to run "vault login"\nagain. Future Vault requests will automatically use this token.\n';

/** Registers the auth group. */
export function registerAuth(program: Command, run: Run): void {
  const auth = program.command('auth').description('enable, disable and list auth methods');
  auth
    .command('enable')
    .description('enable an auth method (userpass, approle) at a path')
    .argument('<type>', 'the method type')
    .option('--path <path>', 'where to enable it (default: the type)')
    .option('--description <d>', 'a human-friendly description')
    .option('--default-lease-ttl <d>', "the default TTL of the method's tokens")
    .option('--max-lease-ttl <d>', "the maximum TTL of the method's tokens")
    .option('--address <addr>', ADDRESS_HELP)
    .action((type: string, o: EnableOpts) => run(() => authEnable(type, o)));
  auth
    .command('disable')
    .description('disable the auth method at a path, deleting its data and revoking its tokens')
    .argument('<path>', 'the method path')
    .option('--address <addr>', ADDRESS_HELP)
    .action((path: string, o: { address?: string }) => run(() => authDisable(path, o)));
  auth
    .command('list')
    .description('list the enabled auth methods')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((o: { format?: string; address?: string }) => run(() => authList(o)));
}

function authEnable(type: string, o: EnableOpts): Promise<number> {
  return withClient(o.address, async (c) => {
    const path = (o.path ?? type).replace(/^\/+|\/+$/g, '');
    const config: Record<string, string> = {};
    if (o.defaultLeaseTtl) config.default_lease_ttl = o.defaultLeaseTtl;
    if (o.maxLeaseTtl) config.max_lease_ttl = o.maxLeaseTtl;
    await c.call('POST', `sys/auth/${path}`, { type, description: o.description ?? '', config });
    out(`Success! Enabled ${type} auth method at: ${path}/`);
    return 0;
  });
}

function authDisable(path: string, o: { address?: string }): Promise<number> {
  return withClient(o.address, async (c) => {
    const p = path.replace(/^\/+|\/+$/g, '');
    await c.call('DELETE', `sys/auth/${p}`);
    out(`Success! Disabled the auth method (if it existed) at: ${p}/`);
    return 0;
  });
}

function authList(o: { format?: string; address?: string }): Promise<number> {
  return withClient(o.address, async (c) => {
    const data = (await c.call('GET', 'sys/auth')).body.data as Record<
      string,
      { type: string; accessor: string; description: string; plugin_version?: string }
    >;
    if (parseFormat(o.format) !== 'table') return (outData(data, parseFormat(o.format)), 0);
    const rows = Object.keys(data)
      .sort()
      .map((k) => [k, data[k].type, data[k].accessor, data[k].description || 'n/a', data[k].plugin_version || 'n/a']);
    out(columnize(['Path', 'Type', 'Accessor', 'Description', 'Version'], rows));
    return 0;
  });
}

/** K=V arguments of a login, as the vault CLI takes them. */
export function loginArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new UsageError(`Invalid key-value pair: ${a}`);
    out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}

/** The userpass CLI's hidden prompt; reads a line of stdin (echo off on a terminal). */
async function promptPassword(): Promise<string> {
  process.stderr.write('Password (will be hidden): ');
  const silent = new Writable({ write: (_c, _e, done) => done() });
  const rl = createInterface({ input: process.stdin, output: silent, terminal: process.stdin.isTTY === true });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/** The login request of a method: the path under auth/ and the body. */
async function loginRequest(method: string, mount: string, kv: Record<string, string>): Promise<[string, Record<string, string>]> {
  switch (method) {
    case 'userpass': {
      const username = kv.username;
      if (!username) throw new UsageError("'username' must be specified");
      const password = kv.password ?? (await promptPassword());
      return [`auth/${mount}/login/${encodeURIComponent(username)}`, { password }];
    }
    case 'approle':
      return [`auth/${mount}/login`, { role_id: kv.role_id ?? '', secret_id: kv.secret_id ?? '' }];
    default:
      throw new UsageError(
        `Unknown auth method: ${method}. Use "vault auth list" to see the complete list of auth methods. Additionally, some auth methods are only available via the HTTP API.`,
      );
  }
}

/** `login -method=<m> K=V...`: logs in, keeps the token, prints Vault's banner and token table. */
export async function methodLogin(c: VaultClient, method: string, mount: string | undefined, args: string[]): Promise<number> {
  const [path, body] = await loginRequest(method, (mount ?? method).replace(/^\/+|\/+$/g, ''), loginArgs(args));
  const auth = (await c.call('POST', path, body)).body.auth;
  storeToken(auth.client_token);
  out(LOGIN_BANNER);
  out(kvTable(authRows(auth)));
  return 0;
}
