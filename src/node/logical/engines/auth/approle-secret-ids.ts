/**
 * AppRole's secret IDs (handleRoleSecretIDCommon and the lookup, destroy and login paths):
 * generated or custom, with their own uses, TTL and CIDR lists within the role's, and spent
 * at login, the last use deleting the entry. Expiry is on the node's clock.
 */
import { uuid } from '../../../../crypto/index.ts';
import type { Storage } from '../../../../crypto/index.ts';
import { BadRequestError, InternalError, UnsupportedPathError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import { getJson } from '../engine.ts';
import { fieldData } from '../kv/field-data.ts';
import { cidrsWithin, parseAddrs, parseCidrBlocks } from './cidr.ts';
import { deleteSecretId, roleKey, saveSecretId, secretKey, type RoleEntry, type SecretIdEntry } from './approle-store.ts';

const SECRET_ID_SCHEMA = {
  secret_id: 'string',
  metadata: 'string',
  cidr_list: 'commaStringSlice',
  token_bound_cidrs: 'commaStringSlice',
  num_uses: 'int',
  ttl: 'durationSecond',
} as const;

/** The role a secret-id path names; Vault's 404-coded refusal when there is none. */
export async function roleForSecretId(storage: Storage, name: string): Promise<RoleEntry> {
  const role = await getJson<RoleEntry>(storage, roleKey(name));
  if (!role) throw new UnsupportedPathError();
  return role;
}

/** strutil.ParseArbitraryKeyValues on a JSON object string. */
function parseMetadata(s: string | undefined): Record<string, string> {
  if (!s) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    throw new BadRequestError('failed to parse metadata: invalid input');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new BadRequestError('failed to parse metadata: invalid input');
  return Object.fromEntries(Object.entries(parsed as object).map(([k, v]) => [k, String(v)]));
}

/** A []string as Go's %q prints it: ["a" "b"]. */
function goQuoted(list: string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** Creates a secret ID on `role` (generated, or the caller's for custom-secret-id); returns Vault's answer. */
export async function createSecretId(
  storage: Storage,
  role: RoleEntry,
  data: Record<string, unknown>,
  now: number,
  custom: boolean,
  mountMaxTtl: number,
): Promise<LogicalResponse> {
  const f = fieldData(data, SECRET_ID_SCHEMA);
  const secretId = custom ? (f.secret_id ?? '') : uuid();
  if (!secretId) throw new BadRequestError('missing secret_id');
  if (!role.bindSecretId) throw new BadRequestError('bind_secret_id is not set on the role');
  const cidrList = parseCidrBlocks(f.cidr_list ?? []);
  // A plain error in Vault (a 500), wrapping a nil error.
  if (!cidrsWithin(cidrList, role.secretIdBoundCidrs))
    throw new InternalError(
      `failed to verify subset relationship between CIDR blocks on the role ${goQuoted(role.secretIdBoundCidrs ?? [])} and CIDR blocks on the secret ID ${goQuoted(cidrList)}: %!w(<nil>)`,
    );
  const tokenBoundCidrs = parseAddrs(f.token_bound_cidrs ?? []);
  let numUses = role.secretIdNumUses;
  if (f.num_uses !== undefined) {
    numUses = f.num_uses;
    if (numUses < 0) throw new BadRequestError('num_uses cannot be negative');
    if ((numUses === 0 && role.secretIdNumUses > 0) || (role.secretIdNumUses > 0 && numUses > role.secretIdNumUses))
      throw new BadRequestError("num_uses cannot be higher than the role's secret_id_num_uses");
  }
  let ttl = role.secretIdTtl;
  if (f.ttl !== undefined) {
    ttl = f.ttl;
    if ((ttl === 0 && role.secretIdTtl > 0) || (role.secretIdTtl > 0 && ttl > role.secretIdTtl))
      throw new BadRequestError("ttl cannot be longer than the role's secret_id_ttl");
  }
  // deriveSecretIDTTL: never past the mount's max lease TTL.
  if (ttl > mountMaxTtl) ttl = mountMaxTtl;
  const metadata = parseMetadata(f.metadata);
  if (custom && (await getJson(storage, secretKey(role, secretId)))) throw new BadRequestError('SecretID is already registered');
  const entry: SecretIdEntry = {
    accessor: uuid(),
    numUses,
    ttl,
    creationTime: now,
    expirationTime: ttl ? now + ttl * 1000 : 0,
    lastUpdatedTime: now,
    metadata,
    cidrList,
    tokenBoundCidrs,
  };
  await saveSecretId(storage, role, secretId, entry);
  return { data: { secret_id: secretId, secret_id_accessor: entry.accessor, secret_id_num_uses: numUses, secret_id_ttl: ttl } };
}

/** Go's zero time.Time, as Vault shows a secret ID that never expires. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** A time as Go's RFC 3339 encoding of time.Time writes it in UTC (trailing zero fractions dropped). */
function goTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

/** secretIDStorageEntry.ToResponseData. */
export function secretIdView(e: SecretIdEntry): Record<string, unknown> {
  return {
    cidr_list: e.cidrList,
    creation_time: goTime(e.creationTime),
    expiration_time: e.expirationTime ? goTime(e.expirationTime) : GO_ZERO_TIME,
    last_updated_time: goTime(e.lastUpdatedTime),
    metadata: e.metadata,
    secret_id_accessor: e.accessor,
    secret_id_num_uses: e.numUses,
    secret_id_ttl: e.ttl,
    token_bound_cidrs: e.tokenBoundCidrs,
  };
}

/** A live secret ID entry; an expired one is deleted on sight and reads as absent (the lab's tidy). */
export async function liveSecretId(storage: Storage, role: RoleEntry, secretId: string, now: number): Promise<SecretIdEntry | undefined> {
  const e = await getJson<SecretIdEntry>(storage, secretKey(role, secretId));
  if (!e) return undefined;
  if (e.expirationTime && e.expirationTime <= now) {
    await deleteSecretId(storage, role, secretId, e);
    return undefined;
  }
  return e;
}
