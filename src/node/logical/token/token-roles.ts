/**
 * Token roles (auth/token/roles/:name) in system storage. A write names only the fields
 * it changes; every other field keeps the stored role's value, or Vault's default.
 */
import type { Storage } from '../../../crypto/index.ts';
import { StorageKeys } from '../../../storage/index.ts';
import { BadRequestError } from '../../errors.ts';
import { getJson, putJson } from '../engines/engine.ts';
import { durationSeconds, flag, policyList } from './token-params.ts';
import type { TokenRole } from './token-service.ts';
import { ROLE_TOKEN_TYPES, type RoleTokenType } from './token-type.ts';

/** The stored role of that name; undefined for none (and for the empty name). */
export async function readRole(storage: Storage, name: string): Promise<TokenRole | undefined> {
  const role = name ? await getJson<TokenRole>(storage, StorageKeys.tokenRolePrefix + name) : undefined;
  // A role stored before token types existed makes service tokens unless asked otherwise.
  return role && { ...role, token_type: role.token_type ?? 'default-service' };
}

/** The names of the stored roles. */
export async function listRoles(storage: Storage): Promise<string[]> {
  return (await storage.list(StorageKeys.tokenRolePrefix)).filter((k) => !k.endsWith('/'));
}

/** Deletes a role (nothing happens when there is none). */
export function deleteRole(storage: Storage, name: string): Promise<void> {
  return storage.delete(StorageKeys.tokenRolePrefix + name);
}

/** A duration field of a role write: the stored value when the body leaves it out. */
function duration(d: Record<string, unknown>, field: 'token_period' | 'token_explicit_max_ttl', old: number | undefined): number {
  return d[field] === undefined ? (old ?? 0) : durationSeconds(d[field], field);
}

/** Creates or updates a role from a request body. */
export async function writeRole(storage: Storage, name: string, d: Record<string, unknown>): Promise<void> {
  if (!name || name.includes('/')) throw new BadRequestError('role name is required');
  const old = await readRole(storage, name);
  const role: TokenRole = {
    name,
    allowed_policies: policyList(d.allowed_policies) ?? old?.allowed_policies ?? [],
    disallowed_policies: policyList(d.disallowed_policies) ?? old?.disallowed_policies ?? [],
    orphan: d.orphan === undefined ? (old?.orphan ?? false) : flag(d.orphan),
    renewable: d.renewable === undefined ? (old?.renewable ?? true) : flag(d.renewable),
    token_period: duration(d, 'token_period', old?.token_period),
    token_explicit_max_ttl: duration(d, 'token_explicit_max_ttl', old?.token_explicit_max_ttl),
    path_suffix: typeof d.path_suffix === 'string' ? d.path_suffix : (old?.path_suffix ?? ''),
    token_type: roleTokenType(d, old?.token_type),
  };
  if (role.token_type === 'batch') checkBatchRole(role);
  await putJson(storage, StorageKeys.tokenRolePrefix + name, role);
}

/** `token_type` of a role write (Vault's four values; "default" is refused there too), or the stored one. */
function roleTokenType(d: Record<string, unknown>, old: RoleTokenType | undefined): RoleTokenType {
  if (!('token_type' in d)) return old ?? 'default-service';
  if (d.token_type === null) throw new BadRequestError("Invalid 'token_type' value: null");
  const t = String(d.token_type);
  if (!ROLE_TOKEN_TYPES.includes(t as RoleTokenType)) throw new BadRequestError(`invalid 'token_type' value ${JSON.stringify(t)}`);
  return t as RoleTokenType;
}

/** A role that always makes batch tokens must not promise what they cannot be (Vault's checks, in its order). */
function checkBatchRole(role: TokenRole): void {
  const refuse = (what: string) => new BadRequestError(`'token_type' cannot be 'batch' when role is set to generate ${what}`);
  if (!role.orphan) throw refuse('non-orphan tokens');
  if (role.token_period) throw refuse('periodic tokens');
  if (role.renewable) throw refuse('renewable tokens');
  if (role.token_explicit_max_ttl) throw refuse('tokens with an explicit max TTL');
}
