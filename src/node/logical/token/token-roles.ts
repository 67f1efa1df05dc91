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

/** The stored role of that name; undefined for none (and for the empty name). */
export function readRole(storage: Storage, name: string): Promise<TokenRole | undefined> {
  return name ? getJson<TokenRole>(storage, StorageKeys.tokenRolePrefix + name) : Promise.resolve(undefined);
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
  };
  await putJson(storage, StorageKeys.tokenRolePrefix + name, role);
}
