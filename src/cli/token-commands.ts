/**
 * `vaultlab token create|lookup|renew|revoke` and `vaultlab login`. login writes the
 * token to vaultlab's own token file (.vaultlab/token, mode 0600), never ~/.vault-token.
 */
import type { Command } from 'commander';
import { withClient } from './client.ts';
import { kvTable } from './columnize.ts';
import { ADDRESS_HELP, FORMAT_HELP } from './help-texts.ts';
import { out, parseFormat, type Run, UsageError } from './output.ts';
import { authRows, outSecret, parseSecret } from './secret-output.ts';
import { methodLogin } from './auth-commands.ts';
import { storeToken } from './token-file.ts';

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
  type?: string;
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

/** `token create` and its flags. */
function registerCreate(token: Command, run: Run): void {
  token
    .command('create')
    .description("create a token: a child of the caller's, an orphan, or from a role")
    .option('--policy <name>', 'a policy (repeatable, or comma-separated)', collect)
    .option('--ttl <d>', 'initial TTL (e.g. 30m, 1h)')
    .option('--explicit-max-ttl <d>', 'a hard limit no renewal passes')
    .option('--period <d>', 'renew to this TTL each time (a periodic token)')
    .option('--display-name <name>', 'a name for the token')
    .option('--num-uses <n>', 'number of uses before it is revoked (0: unlimited)')
    .option('--orphan', 'create a token with no parent')
    .option('--no-default-policy', 'do not attach the default policy')
    .option('--role <name>', 'create from this token role')
    .option('--type <type>', 'the type of token: service or batch (a batch token is not stored, renewed or revoked)')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((o: CreateOpts) => run(() => tokenCreate(o)));
}

/** Registers the token group and login. */
export function registerTokens(program: Command, run: Run): void {
  const token = program.command('token').description('create, look up, renew and revoke tokens');
  registerCreate(token, run);
  token
    .command('lookup')
    .description("print the properties of a token (the caller's own when none is given)")
    .argument('[token]', 'the token (or its accessor, with -accessor)')
    .option('--accessor', 'the argument is an accessor')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((t: string | undefined, o: LookupOpts) => run(() => tokenLookup(t, o)));
  token
    .command('renew')
    .description("extend a token's TTL (the caller's own when none is given)")
    .argument('[token]', 'the token')
    .option('--increment <d>', 'the TTL to ask for (e.g. 1h)')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((t: string | undefined, o: RenewOpts) => run(() => tokenRenew(t, o)));
  token
    .command('revoke')
    .description('revoke a token and its children (or only itself, with -mode=orphan)')
    .argument('[token]', 'the token (or its accessor, with -accessor)')
    .option('--self', "revoke the caller's own token")
    .option('--accessor', 'the argument is an accessor')
    .option('--mode <mode>', 'orphan to keep the children')
    .option('--address <addr>', ADDRESS_HELP)
    .action((t: string | undefined, o: RevokeOpts) => run(() => tokenRevoke(t, o)));
  program
    .command('login')
    .argument('[args...]', 'the token (-method=token), or the K=V credentials of the method')
    .option('--method <m>', 'token (default), userpass or approle')
    .option('--path <p>', 'where the method is enabled (default: its name)')
    .option('--address <addr>', ADDRESS_HELP)
    .description("authenticate with a token or an auth method (the token is kept in vaultlab's own token file)")
    .action((args: string[], o: LoginOpts) => run(() => loginCommand(args, o)));
}

/** `token create`: plain, orphan, or from a role. */
async function tokenCreate(o: CreateOpts): Promise<number> {
  const format = parseFormat(o.format);
  return withClient(o.address, async (c) => {
    const body: Record<string, unknown> = {
      policies: o.policy,
      ttl: o.ttl,
      explicit_max_ttl: o.explicitMaxTtl,
      period: o.period,
      display_name: o.displayName,
      no_default_policy: o.defaultPolicy === false,
      num_uses: o.numUses ? Number(o.numUses) : undefined,
      // Sent only when given (vault's CLI sends "service" by default), so a default-batch role still decides.
      type: o.type,
    };
    const path = o.role ? `auth/token/create/${o.role}` : o.orphan ? 'auth/token/create-orphan' : 'auth/token/create';
    const r = (await c.call('POST', path, body)).body;
    outSecret(parseSecret(r)!, format);
    return 0;
  });
}

/** `token lookup`: the caller's own token, the one given, or the one behind an accessor. */
async function tokenLookup(t: string | undefined, o: LookupOpts): Promise<number> {
  const format = parseFormat(o.format);
  return withClient(o.address, async (c) => {
    const r = !t
      ? await c.call('GET', 'auth/token/lookup-self')
      : o.accessor
        ? await c.call('POST', 'auth/token/lookup-accessor', { accessor: t })
        : await c.call('POST', 'auth/token/lookup', { token: t });
    outSecret(parseSecret(r.body)!, format);
    return 0;
  });
}

async function tokenRenew(t: string | undefined, o: RenewOpts): Promise<number> {
  const format = parseFormat(o.format);
  return withClient(o.address, async (c) => {
    const r = t
      ? await c.call('POST', 'auth/token/renew', { token: t, increment: o.increment })
      : await c.call('POST', 'auth/token/renew-self', { increment: o.increment });
    outSecret(parseSecret(r.body)!, format);
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

/** The flags of `login`. */
interface LoginOpts {
  method?: string;
  path?: string;
  address?: string;
}

/** `login TOKEN`, or `login -method=M K=V...` (no token is sent with a method's login). */
async function loginCommand(args: string[], o: LoginOpts): Promise<number> {
  const method = o.method ?? 'token';
  if (method !== 'token') return withClient(o.address, (c) => methodLogin(c, method, o.path, args), '');
  const t = args[0]?.startsWith('token=') ? args[0].slice('token='.length) : args[0];
  if (!t) throw new UsageError('Not enough arguments (expected 1, got 0)');
  return login(t, o);
}

/** `login`: checks the token, then keeps it in vaultlab's own token file (mode 0600). */
async function login(t: string, o: { address?: string }): Promise<number> {
  return withClient(
    o.address,
    async (c) => {
      const d = (await c.call('GET', 'auth/token/lookup-self')).body.data;
      storeToken(t);
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
    },
    t,
  );
}
