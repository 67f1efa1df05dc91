/**
 * AppRole login (pathLoginUpdate): role_id, then the secret ID (spending a use, the last one
 * deleting it), then the CIDR restrictions of the secret ID and of the role against the
 * client's address, in Vault's order and words. One answer for an unknown role_id and an
 * unknown secret ID, so neither can be probed.
 */
import type { Storage } from '../../../../crypto/index.ts';
import { BadRequestError } from '../../../errors.ts';
import type { KeyLocks } from '../../key-locks.ts';
import type { MountEntry } from '../../mounts.ts';
import type { SystemView } from '../../system-view.ts';
import { issueLoginToken } from '../../token/login-token.ts';
import type { TokenEntry } from '../../token/token-entry.ts';
import { fieldData } from '../kv/field-data.ts';
import { addressAllowed } from './cidr.ts';
import { deleteSecretId, hmac, roleByRoleId, updateSecretId, type RoleEntry, type SecretIdEntry } from './approle-store.ts';
import { liveSecretId } from './approle-secret-ids.ts';

const INVALID = 'invalid role or secret ID';

/**
 * Go's fmt renders a %w of a nil error as this; Vault's CIDR refusals after a spent use and on
 * the role wrap a nil error, so clients see it.
 */
const NIL_WRAP = '%!w(<nil>)';

/** What a login needs beyond its body. */
export interface LoginContext {
  sys: SystemView;
  storage: Storage;
  mount: MountEntry;
  remoteAddress: string | undefined;
  locks: KeyLocks;
}

/** Checks and spends the secret ID of a login; returns its entry. */
async function spendSecretId(ctx: LoginContext, role: RoleEntry, secretId: string): Promise<SecretIdEntry> {
  const now = ctx.sys.clock.now();
  // One use at a time per secret ID: two logins must not share its last use.
  return ctx.locks.with(`${ctx.mount.uuid}/${hmac(role.hmacKey, secretId)}`, async () => {
    const entry = await liveSecretId(ctx.storage, role, secretId, now);
    if (!entry) throw new BadRequestError(INVALID);
    const addr = ctx.remoteAddress ?? '';
    if (entry.numUses === 0) {
      if (entry.cidrList.length && !addressAllowed(addr, entry.cidrList))
        throw new BadRequestError(`source address ${JSON.stringify(addr)} unauthorized through CIDR restrictions on the secret ID`);
      return entry;
    }
    if (entry.numUses === 1) await deleteSecretId(ctx.storage, role, secretId, entry);
    else await updateSecretId(ctx.storage, role, secretId, { ...entry, numUses: entry.numUses - 1, lastUpdatedTime: now });
    // Vault spends the use before this check, so a refused address still costs one.
    if (entry.cidrList.length && !addressAllowed(addr, entry.cidrList))
      throw new BadRequestError(`source address ${JSON.stringify(addr)} unauthorized by CIDR restrictions on the secret ID: ${NIL_WRAP}`);
    return entry;
  });
}

/** auth/<mount>/login: a token for role_id (and secret_id when the role binds one). */
export async function approleLogin(ctx: LoginContext, data: Record<string, unknown>): Promise<TokenEntry> {
  const f = fieldData(data, { role_id: 'string', secret_id: 'string' });
  const roleId = (f.role_id ?? '').trim();
  if (!roleId) throw new BadRequestError('missing role_id');
  const role = await roleByRoleId(ctx.storage, roleId);
  if (!role) throw new BadRequestError(INVALID);
  let entry: SecretIdEntry | undefined;
  if (role.bindSecretId) {
    const secretId = (f.secret_id ?? '').trim();
    if (!secretId) throw new BadRequestError('missing secret_id');
    entry = await spendSecretId(ctx, role, secretId);
  }
  const addr = ctx.remoteAddress ?? '';
  if (role.secretIdBoundCidrs?.length && !addressAllowed(addr, role.secretIdBoundCidrs))
    throw new BadRequestError(`source address ${JSON.stringify(addr)} unauthorized by CIDR restrictions on the role: ${NIL_WRAP}`);
  const metadata = { ...(entry?.metadata ?? {}), role_name: role.name };
  return issueLoginToken(ctx.sys, ctx.mount, `${ctx.mount.path}login`, {
    policies: role.tokenPolicies,
    noDefaultPolicy: role.tokenNoDefaultPolicy,
    ttl: role.tokenTtl,
    maxTtl: role.tokenMaxTtl,
    explicitMaxTtl: role.tokenExplicitMaxTtl,
    period: role.tokenPeriod,
    numUses: role.tokenNumUses,
    boundCidrs: entry?.tokenBoundCidrs.length ? entry.tokenBoundCidrs : role.tokenBoundCidrs,
    metadata,
    displayName: '',
  });
}
