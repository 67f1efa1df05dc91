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

/** Registers the token group and login. */
export function registerTokens(program: Command, run: Run): void {
  const token = program.command('token').description('create, look up, renew and revoke tokens');
  registerCreate(token, run);
  registerLookupRenewRevoke(token, run);
  registerLogin(program, run);
}

function registerCreate(token: Command, run: Run): void {
  token.command('create')
    .option('--policy <name>', 'a policy (repeatable)', collect)
    .option('--ttl <d>').option('--explicit-max-ttl <d>').option('--period <d>').option('--display-name <name>').option('--num-uses <n>')
    .option('--orphan').option('--no-default-policy').option('--role <name>').option('--format <format>').option('--address <addr>')
    .action((o: { policy?: string[]; ttl?: string; explicitMaxTtl?: string; period?: string; displayName?: string; numUses?: string; orphan?: boolean; defaultPolicy?: boolean; role?: string; format?: string; address?: string }) =>
      run(() => withClient(o.address, async (c) => {
        const body: Record<string, unknown> = { policies: o.policy, ttl: o.ttl, explicit_max_ttl: o.explicitMaxTtl, period: o.period, display_name: o.displayName, no_default_policy: o.defaultPolicy === false, num_uses: o.numUses ? Number(o.numUses) : undefined };
        const path = o.role ? `auth/token/create/${o.role}` : o.orphan ? 'auth/token/create-orphan' : 'auth/token/create';
        const r = (await c.call('POST', path, body)).body;
        if (parseFormat(o.format) !== 'table') outData(r, parseFormat(o.format));
        else out(kvTable(authRows(r.auth)));
        return 0;
      })));
}

/** `token lookup|renew|revoke`: the token given, by accessor, or the caller's own. */
function registerLookupRenewRevoke(token: Command, run: Run): void {
  token.command('lookup').argument('[token]').option('--accessor').option('--format <format>').option('--address <addr>').action((t: string | undefined, o: { accessor?: boolean; format?: string; address?: string }) =>
    run(() => withClient(o.address, async (c) => {
      const r = !t ? await c.call('GET', 'auth/token/lookup-self') : o.accessor ? await c.call('POST', 'auth/token/lookup-accessor', { accessor: t }) : await c.call('POST', 'auth/token/lookup', { token: t });
      if (parseFormat(o.format) !== 'table') outData(r.body, parseFormat(o.format));
      else out(kvTable(Object.entries(r.body.data).sort(([a], [b]) => a.localeCompare(b))));
      return 0;
    })));
  token.command('renew').argument('[token]').option('--increment <d>').option('--format <format>').option('--address <addr>').action((t: string | undefined, o: { increment?: string; format?: string; address?: string }) =>
    run(() => withClient(o.address, async (c) => {
      const r = t ? await c.call('POST', 'auth/token/renew', { token: t, increment: o.increment }) : await c.call('POST', 'auth/token/renew-self', { increment: o.increment });
      if (parseFormat(o.format) !== 'table') outData(r.body, parseFormat(o.format));
      else out(kvTable(authRows(r.body.auth)));
      return 0;
    })));
  token.command('revoke').argument('[token]').option('--self').option('--accessor').option('--mode <mode>', 'orphan to keep the children').option('--address <addr>')
    .action((t: string | undefined, o: { self?: boolean; accessor?: boolean; mode?: string; address?: string }) =>
      run(() => withClient(o.address, async (c) => {
        if (o.self || !t) await c.call('POST', 'auth/token/revoke-self');
        else if (o.accessor) await c.call('POST', 'auth/token/revoke-accessor', { accessor: t });
        else if (o.mode === 'orphan') await c.call('POST', 'auth/token/revoke-orphan', { token: t });
        else await c.call('POST', 'auth/token/revoke', { token: t });
        out('Success! Revoked token (if it existed)');
        return 0;
      })));
}

function registerLogin(program: Command, run: Run): void {
  program.command('login').argument('<token>').description("authenticate with a token (kept in vaultlab's own token file)").option('--address <addr>').action((t: string, o: { address?: string }) =>
    run(async () => {
      const c = new VaultClient(resolveAddress(o.address), t);
      try {
        const d = (await c.call('GET', 'auth/token/lookup-self')).body.data;
        mkdirSync(labHome(), { recursive: true });
        const file = join(labHome(), 'token');
        writeFileSync(file, t, { mode: 0o600 });
        chmodSync(file, 0o600);
        out('Success! You are now authenticated. The token information displayed below\nis already stored in the token helper. You do NOT need to run "vault login"\nagain. Future Vault requests will automatically use this token.\n');
        out(kvTable(authRows({ client_token: t, accessor: d.accessor, lease_duration: d.ttl, renewable: d.renewable, token_policies: d.policies, policies: d.policies })));
        return 0;
      } finally {
        await c.close();
      }
    }));
}
