/**
 * AppRole's storage (builtin/credential/approle): roles under role/<name>, the role_id index
 * under role_id/<HMAC of the role id>, secret IDs under secret_id/<HMAC of the role name>/<HMAC
 * of the secret id> and their accessors under accessor/<HMAC of the accessor>. The HMAC key is
 * the role's own, random, kept in the role entry (through the barrier); a secret ID itself is
 * never stored, so storage cannot hand one back.
 */
import { createHmac } from 'node:crypto';
import type { Storage } from '../../../../crypto/index.ts';
import { randomBase62 } from '../../../../crypto/index.ts';
import { getJson, putJson } from '../engine.ts';
import type { Legacy, TokenParams } from './token-fields.ts';

/** A role as stored. */
export interface RoleEntry extends TokenParams {
  name: string;
  roleId: string;
  hmacKey: string;
  bindSecretId: boolean;
  secretIdBoundCidrs: string[] | null;
  secretIdNumUses: number;
  /** Seconds; 0 = secret IDs never expire. */
  secretIdTtl: number;
  legacy: Legacy;
}

/** A secret ID as stored (without the secret ID). Times in ms since the epoch; 0 = never expires. */
export interface SecretIdEntry {
  accessor: string;
  numUses: number;
  ttl: number;
  creationTime: number;
  expirationTime: number;
  lastUpdatedTime: number;
  metadata: Record<string, string>;
  cidrList: string[];
  tokenBoundCidrs: string[];
}

/** HMAC-SHA256 under a role's key, hex (Vault's createHMAC). */
export function hmac(key: string, value: string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}

/** The mount's salt for the role_id index (Vault's b.Salt), made on first use. */
async function mountSalt(storage: Storage): Promise<string> {
  const existing = await getJson<string>(storage, 'salt');
  if (existing) return existing;
  const salt = randomBase62(32);
  await putJson(storage, 'salt', salt);
  return salt;
}

export const roleKey = (name: string) => `role/${name.toLowerCase()}`;
const secretPrefix = (role: RoleEntry) => `secret_id/${hmac(role.hmacKey, role.name)}/`;
export const secretKey = (role: RoleEntry, secretId: string) => secretPrefix(role) + hmac(role.hmacKey, secretId);
const accessorKey = (role: RoleEntry, accessor: string) => `accessor/${hmac(role.hmacKey, accessor)}`;

/** The role a role_id names, if any. */
export async function roleByRoleId(storage: Storage, roleId: string): Promise<RoleEntry | undefined> {
  const index = await getJson<{ name: string }>(storage, `role_id/${hmac(await mountSalt(storage), roleId)}`);
  return index ? getJson<RoleEntry>(storage, roleKey(index.name)) : undefined;
}

/** Whether a role_id already names a role. */
export async function roleIdTaken(storage: Storage, roleId: string): Promise<boolean> {
  return (await getJson(storage, `role_id/${hmac(await mountSalt(storage), roleId)}`)) !== undefined;
}

/** Stores a role and moves its role_id index when the id changed. */
export async function saveRole(storage: Storage, role: RoleEntry, previousRoleId: string): Promise<void> {
  const salt = await mountSalt(storage);
  await putJson(storage, roleKey(role.name), role);
  if (previousRoleId === role.roleId) return;
  if (previousRoleId) await storage.delete(`role_id/${hmac(salt, previousRoleId)}`);
  await putJson(storage, `role_id/${hmac(salt, role.roleId)}`, { name: role.name });
}

/** Deletes a role, its role_id index and every secret ID it issued. */
export async function deleteRole(storage: Storage, role: RoleEntry): Promise<void> {
  for (const h of await storage.list(secretPrefix(role))) {
    const e = await getJson<SecretIdEntry>(storage, secretPrefix(role) + h);
    if (e) await storage.delete(accessorKey(role, e.accessor));
    await storage.delete(secretPrefix(role) + h);
  }
  await storage.delete(`role_id/${hmac(await mountSalt(storage), role.roleId)}`);
  await storage.delete(roleKey(role.name));
}

/** Stores a new secret ID's entry and its accessor index. */
export async function saveSecretId(storage: Storage, role: RoleEntry, secretId: string, entry: SecretIdEntry): Promise<void> {
  await putJson(storage, secretKey(role, secretId), entry);
  await putJson(storage, accessorKey(role, entry.accessor), { secretIdHmac: hmac(role.hmacKey, secretId) });
}

/** Replaces a secret ID's entry (a spent use). */
export async function updateSecretId(storage: Storage, role: RoleEntry, secretId: string, entry: SecretIdEntry): Promise<void> {
  await putJson(storage, secretKey(role, secretId), entry);
}

/** Deletes a secret ID and its accessor index. */
export async function deleteSecretId(storage: Storage, role: RoleEntry, secretId: string, entry: SecretIdEntry): Promise<void> {
  await storage.delete(accessorKey(role, entry.accessor));
  await storage.delete(secretKey(role, secretId));
}

/** The accessors of a role's live secret IDs, sorted. */
export async function listAccessors(storage: Storage, role: RoleEntry): Promise<string[]> {
  const out: string[] = [];
  for (const h of await storage.list(secretPrefix(role))) {
    const e = await getJson<SecretIdEntry>(storage, secretPrefix(role) + h);
    if (e) out.push(e.accessor);
  }
  return out.sort();
}
