/**
 * `vaultlab token create|lookup|renew|revoke` and `vaultlab login`. login writes the
 * token to vaultlab's own token file (.vaultlab/token, mode 0600), never ~/.vault-token.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { labHome, VaultClient, resolveAddress, withClient } from './client.ts';
import { kvTable } from './columnize.ts';
import { out, outData, parseFormat } from './output.ts';

type Run = (fn: () => Promise<number>) => void;

/** The table `vault token create` and `vault login` print for an auth block. */
export function authRows(a: any): Array<[string, unknown]> {
  return [
    ['token', a.client_token],
    ['token_accessor', a.accessor],
    ['token_duration', a.lease_duration ? `${a.lease_duration}s` : '∞'],
    ['token_renewable', a.renewable],
    ['token_policies', a.token_policies],
    ['identity_policies', []],
    ['policies', a.policies],
  ];
}

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, ...v.split(',')];
}

/** The flags of `token create`. */
interface CreateOpts {
  policy?: string[];
  ttl?: string;
  explicitMaxTtl?: string;
  period?: string;
  displayName?: string;
  numUses?: string;
  orphan?: boolean;
  defaultPolicy?: boolean;
  role?: string;
  format?: string;
  address?: string;
}
interface LookupOpts {
  accessor?: boolean;
  format?: string;
  address?: string;
}
interface RenewOpts {
  increment?: string;
  format?: string;
  address?: string;
}
interface RevokeOpts {
  self?: boolean;
  accessor?: boolean;
  mode?: string;
  address?: string;
}

/** Registers the token group and login. */
export function registerTokens(program: Command, run: Run): void {
  const token = program.command('token').description('create, look up, renew and revoke tokens');
  token
    .command('create')
    .option('--policy <name>', 'a policy (repeatable)', collect)
    .option('--ttl <d>')
    .option('--explicit-max-ttl <d>')
    .option('--period <d>')
    .option('--display-name <name>')
    .option('--num-uses <n>')
    .option('--orphan')
    .option('--no-default-policy')
    .option('--role <name>')
    .option('--format <format>')
    .option('--address <addr>')
    .action((o: CreateOpts) => run(() => tokenCreate(o)));
  token
    .command('lookup')
    .argument('[token]')
    .option('--accessor')
    .option('--format <format>')
    .option('--address <addr>')
    .action((t: string | undefined, o: LookupOpts) => run(() => tokenLookup(t, o)));
  token
    .command('renew')
    .argument('[token]')
    .option('--increment <d>')
    .option('--format <format>')
    .option('--address <addr>')
    .action((t: string | undefined, o: RenewOpts) => run(() => tokenRenew(t, o)));
  token
    .command('revoke')
    .argument('[token]')
    .option('--self')
    .option('--accessor')
    .option('--mode <mode>', 'orphan to keep the children')
    .option('--address <addr>')
    .action((t: string | undefined, o: RevokeOpts) => run(() => tokenRevoke(t, o)));
  program
    .command('login')
    .argument('<token>')
    .option('--address <addr>')
    .description("authenticate with a token (kept in vaultlab's own token file)")
    .action((t: string, o: { address?: string }) => run(() => login(t, o)));
}

/** `token create`: plain, orphan, or from a role. */
function tokenCreate(o: CreateOpts): Promise<number> {
  return withClient(o.address, async (c) => {
    const body: Record<string, unknown> = {
      policies: o.policy,
      ttl: o.ttl,
      explicit_max_ttl: o.explicitMaxTtl,
      period: o.period,
      display_name: o.displayName,
      no_default_policy: o.defaultPolicy === false,
      num_uses: o.numUses ? Number(o.numUses) : undefined,
    };
    const path = o.role ? `auth/token/create/${o.role}` : o.orphan ? 'auth/token/create-orphan' : 'auth/token/create';
    const r = (await c.call('POST', path, body)).body;
    if (parseFormat(o.format) !== 'table') outData(r, parseFormat(o.format));
    else out(kvTable(authRows(r.auth)));
    return 0;
  });
}

/** `token lookup`: the caller's own token, the one given, or the one behind an accessor. */
function tokenLookup(t: string | undefined, o: LookupOpts): Promise<number> {
  return withClient(o.address, async (c) => {
    const r = !t
      ? await c.call('GET', 'auth/token/lookup-self')
      : o.accessor
        ? await c.call('POST', 'auth/token/lookup-accessor', { accessor: t })
        : await c.call('POST', 'auth/token/lookup', { token: t });
    if (parseFormat(o.format) !== 'table') outData(r.body, parseFormat(o.format));
    else out(kvTable(Object.entries(r.body.data).sort(([a], [b]) => a.localeCompare(b))));
    return 0;
  });
}

function tokenRenew(t: string | undefined, o: RenewOpts): Promise<number> {
  return withClient(o.address, async (c) => {
    const r = t
      ? await c.call('POST', 'auth/token/renew', { token: t, increment: o.increment })
      : await c.call('POST', 'auth/token/renew-self', { increment: o.increment });
    if (parseFormat(o.format) !== 'table') outData(r.body, parseFormat(o.format));
    else out(kvTable(authRows(r.body.auth)));
    return 0;
  });
}

/** `token revoke`: the caller's own, by accessor, alone (orphaning its children), or with its children. */
function tokenRevoke(t: string | undefined, o: RevokeOpts): Promise<number> {
  return withClient(o.address, async (c) => {
    if (o.self || !t) await c.call('POST', 'auth/token/revoke-self');
    else if (o.accessor) await c.call('POST', 'auth/token/revoke-accessor', { accessor: t });
    else if (o.mode === 'orphan') await c.call('POST', 'auth/token/revoke-orphan', { token: t });
    else await c.call('POST', 'auth/token/revoke', { token: t });
    out('Success! Revoked token (if it existed)');
    return 0;
  });
}

/** `login`: checks the token, then keeps it in vaultlab's own token file (mode 0600). */
async function login(t: string, o: { address?: string }): Promise<number> {
  const c = new VaultClient(resolveAddress(o.address), t);
  try {
    const d = (await c.call('GET', 'auth/token/lookup-self')).body.data;
    mkdirSync(labHome(), { recursive: true });
    const file = join(labHome(), 'token');
    writeFileSync(file, t, { mode: 0o600 });
    chmodSync(file, 0o600);
    out(
      'Success! You are now authenticated. The token information displayed below\nis already stored in the token helper. You do NOT need to run "vault login"\nagain. Future Vault requests will automatically use this token.\n',
    );
    out(
      kvTable(
        authRows({
          client_token: t,
          accessor: d.accessor,
          lease_duration: d.ttl,
          renewable: d.renewable,
          token_policies: d.policies,
          policies: d.policies,
        }),
      ),
    );
    return 0;
  } finally {
    await c.close();
  }
}
