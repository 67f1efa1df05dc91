/**
 * What the token endpoints do: create (with Vault's rules on policies, orphans, TTLs,
 * periods and uses), renew, and revoke (a token and its whole tree, or orphaning the
 * children). Storage layout stays in TokenStore; HTTP shapes in the token engine.
 */
import { newAccessor, newServiceToken } from '../../../crypto/index.ts';
import { BadRequestError } from '../../errors.ts';
import { clearCubbyhole } from '../engines/kv/cubbyhole-engine.ts';
import type { AuthInfo } from '../request.ts';
import type { SystemView } from '../system-view.ts';
import type { TokenEntry } from './token-entry.ts';
import { MAX_BATCH_TOKEN_LENGTH } from './batch-token.ts';
import { chooseTokenPolicies } from './token-policies.ts';
import { chooseTokenType, type RoleTokenType } from './token-type.ts';
import { displayName, durationSeconds, flag, policyList, stringMap, SYSTEM_MAX_TTL } from './token-params.ts';

/** A token role (auth/token/roles/:name). */
export interface TokenRole {
  name: string;
  allowed_policies: string[];
  disallowed_policies: string[];
  orphan: boolean;
  renewable: boolean;
  token_period: number;
  token_explicit_max_ttl: number;
  path_suffix: string;
  token_type: RoleTokenType;
}

/** Who asks, and with what privileges on the path. */
export interface Creator {
  entry: TokenEntry;
  /** Root policy, or sudo on the creation path. */
  privileged: boolean;
}

/** The `auth` block for an entry. */
export function authInfo(e: TokenEntry, now: number, opts: { hideToken?: boolean } = {}): AuthInfo {
  return {
    clientToken: opts.hideToken ? '' : e.id,
    accessor: e.accessor,
    policies: e.policies,
    tokenPolicies: e.policies,
    metadata: e.meta,
    leaseDuration: e.expireTime ? Math.max(0, Math.round((e.expireTime - now) / 1000)) : 0,
    renewable: e.renewable,
    entityId: '',
    tokenType: e.type,
    orphan: e.orphan,
    numUses: e.numUses,
  };
}

/** Where a token is created: the path, whether it is create-orphan, and the role it names. */
export interface CreationOptions {
  orphanPath: boolean;
  role?: TokenRole;
  path: string;
}

/** A token's lifetime: its TTL, period and explicit max TTL, in seconds. */
interface Lifetime {
  ttl: number;
  period: number;
  explicitMax: number;
}

/** Creates a token for `creator` from a request body; returns the entry and any warnings. */
export async function createToken(
  sys: SystemView,
  creator: Creator,
  body: Record<string, unknown>,
  opts: CreationOptions,
): Promise<{ entry: TokenEntry; warnings: string[] }> {
  const { entry: parent, privileged } = creator;
  const role = opts.role;
  const warnings: string[] = [];
  if (parent.type === 'batch') throw new BadRequestError('batch tokens cannot create more tokens');
  const type = chooseTokenType(body, role && (role.token_type ?? 'default-service'));
  // A batch token's id is its sealed entry: a custom id still needs sudo, then Vault drops it.
  const id = type === 'batch' ? batchIdAllowed(body, privileged) : await tokenId(sys, body, privileged);
  const policies = chooseTokenPolicies({
    parent: parent.policies,
    requested: policyList(body.policies) ?? [],
    role: role && { allowedPolicies: role.allowed_policies, disallowedPolicies: role.disallowed_policies },
    noDefaultPolicy: flag(body.no_default_policy),
    sudo: privileged,
  });
  // Batch tokens cannot be revoked, so none may be root.
  if (type === 'batch' && policies.includes('root')) throw new BadRequestError('batch tokens cannot be root tokens');
  const noParent = flag(body.no_parent);
  if (!role && noParent && !privileged) throw new BadRequestError('root or sudo privileges required to create orphan token');
  const orphan = role ? role.orphan : opts.orphanPath || noParent;
  // A batch token takes no period or explicit max TTL from its role (its fields were refused above).
  const lifetime = tokenLifetime(body, creator, type === 'batch' ? undefined : role, policies.includes('root'), warnings);
  const numUses = Number(body.num_uses ?? 0);
  if (!Number.isInteger(numUses) || numUses < 0) throw new BadRequestError('number of uses cannot be negative');
  const entry = newEntry(sys, { id, policies, orphan, numUses, lifetime }, parent, body, opts);
  if (type === 'batch') return { entry: sealBatch(sys, entry), warnings: [...warnings, ...(await missingPolicyWarnings(sys, policies))] };
  await sys.tokens.save(entry);
  sys.expiration.track(sys.tokens.hash(entry.id), entry.expireTime);
  warnings.push(...(await missingPolicyWarnings(sys, policies)));
  return { entry, warnings };
}

/** The batch form of a new entry: no accessor, no uses, not renewable, and its id is the sealed entry (nothing is stored). */
function sealBatch(sys: SystemView, entry: TokenEntry): TokenEntry {
  const batch: TokenEntry = { ...entry, type: 'batch', accessor: '', numUses: 0, renewable: false };
  batch.id = sys.tokens.sealBatch(batch);
  if (batch.id.length > MAX_BATCH_TOKEN_LENGTH) {
    throw new BadRequestError(
      `batch token would be ${batch.id.length} characters, more than vaultlab's limit of ${MAX_BATCH_TOKEN_LENGTH}`,
    );
  }
  return batch;
}

/** A batch creation may name an id only with root or sudo, as any creation; the id is then ignored. */
function batchIdAllowed(body: Record<string, unknown>, privileged: boolean): string {
  if (body.id !== undefined && body.id !== '' && !privileged)
    throw new BadRequestError('root or sudo privileges required to specify token id');
  return '';
}

/** A fresh token id, or the one the body asks for (root or sudo only, without a '.', not taken). */
async function tokenId(sys: SystemView, body: Record<string, unknown>, privileged: boolean): Promise<string> {
  const id = newServiceToken();
  if (body.id === undefined || body.id === '') return id;
  if (!privileged) throw new BadRequestError('root or sudo privileges required to specify token id');
  if (typeof body.id !== 'string' || body.id.includes('.')) throw new BadRequestError('token IDs can not contain a period');
  if (await sys.tokens.lookup(body.id)) throw new BadRequestError('cannot create a token with a duplicate ID');
  return body.id;
}

/** The lifetime asked for, within the role's, the system's and the parent's limits. */
function tokenLifetime(
  body: Record<string, unknown>,
  creator: Creator,
  role: TokenRole | undefined,
  isRoot: boolean,
  warnings: string[],
): Lifetime {
  const asked = lifetimeFields(body, creator.privileged);
  const period = lesser(asked.period, role?.token_period, 'Period', warnings);
  const explicitMax = lesser(asked.explicitMax, role?.token_explicit_max_ttl, 'Explicit max TTL', warnings);
  let ttl = period || asked.ttl || (isRoot ? 0 : SYSTEM_MAX_TTL);
  if (explicitMax && (ttl === 0 || ttl > explicitMax)) ttl = explicitMax;
  if (!isRoot) ttl = Math.min(ttl || SYSTEM_MAX_TTL, SYSTEM_MAX_TTL);
  // A token that expires cannot hand out one that never does (its subtree must end with it).
  if (ttl === 0 && creator.entry.expireTime) throw new BadRequestError('expiring root tokens cannot create non-expiring root tokens');
  return { ttl, period, explicitMax };
}

/** What createToken decided, ready to become an entry. */
interface Chosen {
  id: string;
  policies: string[];
  orphan: boolean;
  numUses: number;
  lifetime: Lifetime;
}

/** The entry of a new token, created now. */
function newEntry(sys: SystemView, chosen: Chosen, parent: TokenEntry, body: Record<string, unknown>, opts: CreationOptions): TokenEntry {
  const { id, policies, orphan, numUses, lifetime } = chosen;
  const { ttl, period, explicitMax } = lifetime;
  const role = opts.role;
  const now = sys.clock.now();
  return {
    id,
    accessor: newAccessor(),
    policies,
    path: opts.path,
    meta: stringMap(body.meta),
    displayName: displayName(body.display_name),
    numUses,
    orphan,
    parentHash: orphan ? '' : sys.tokens.hash(parent.id),
    creationTime: now,
    creationTtl: ttl,
    explicitMaxTtl: explicitMax,
    period,
    expireTime: ttl ? now + ttl * 1000 : 0,
    lastRenewalTime: 0,
    renewable: ttl === 0 ? false : role ? role.renewable : body.renewable === undefined ? true : flag(body.renewable),
    type: 'service',
    role: role?.name ?? '',
  };
}

/** Vault's warning for each policy the token names that is not stored (root and default always exist). */
async function missingPolicyWarnings(sys: SystemView, policies: string[]): Promise<string[]> {
  const stored = new Set(await sys.policies.list());
  return policies.filter((p) => p !== 'root' && p !== 'default' && !stored.has(p)).map((p) => `Policy "${p}" does not exist`);
}

/** The TTL fields of a creation body, in seconds; a period needs root or sudo, whatever the role. */
function lifetimeFields(body: Record<string, unknown>, privileged: boolean): { ttl: number; period: number; explicitMax: number } {
  const period = durationSeconds(body.period, 'period');
  if (period && !privileged) throw new BadRequestError('root or sudo privileges required to create periodic token');
  const ttl = durationSeconds(body.ttl ?? body.lease, 'ttl');
  return { ttl, period, explicitMax: durationSeconds(body.explicit_max_ttl, 'explicit_max_ttl') };
}

/** The lesser of a value asked for and the role's (0 = unset), with Vault's warning when both are set. */
function lesser(asked: number, fromRole: number | undefined, what: string, warnings: string[]): number {
  if (!fromRole) return asked;
  if (!asked) return fromRole;
  const chosen = Math.min(asked, fromRole);
  warnings.push(`${what} specified both during creation call and in role; using the lesser value of ${chosen} seconds`);
  return chosen;
}

/** Extends a token's lease by `increment` seconds (or its creation TTL), within its limits. */
export async function renewToken(sys: SystemView, entry: TokenEntry, increment: unknown): Promise<TokenEntry> {
  if (entry.type === 'batch') throw new BadRequestError('batch tokens cannot be renewed');
  if (!entry.renewable) throw new BadRequestError('lease is not renewable');
  const now = sys.clock.now();
  let ttl = entry.period || durationSeconds(increment, 'increment') || entry.creationTtl || SYSTEM_MAX_TTL;
  if (entry.explicitMaxTtl) ttl = Math.min(ttl, Math.max(0, Math.floor((entry.creationTime + entry.explicitMaxTtl * 1000 - now) / 1000)));
  // A login token stops at its method's max TTL, as the expiration manager caps a renewed login lease.
  if (entry.maxTtl) ttl = Math.min(ttl, Math.max(0, Math.floor((entry.creationTime + entry.maxTtl * 1000 - now) / 1000)));
  ttl = Math.min(ttl, Math.max(0, Math.floor((entry.creationTime + SYSTEM_MAX_TTL * 1000 - now) / 1000)) || ttl);
  const renewed: TokenEntry = { ...entry, expireTime: now + ttl * 1000, lastRenewalTime: now };
  await sys.tokens.save(renewed);
  sys.expiration.track(sys.tokens.hash(renewed.id), renewed.expireTime);
  return renewed;
}

/** Revokes a token and every descendant (depth first), clearing each one's cubbyhole. */
export async function revokeTree(sys: SystemView, entry: TokenEntry): Promise<void> {
  for (const h of await sys.tokens.childHashes(entry)) {
    const child = await sys.tokens.byHash(h.replace(/\/$/, ''));
    if (child) await revokeTree(sys, child);
  }
  await revokeOne(sys, entry);
}

/**
 * The expiration manager's callback: revokes the token stored under `hash` with its subtree
 * if it has expired (or spent its last use), or re-arms its timer if it was renewed since.
 */
export async function expireToken(sys: SystemView, hash: string): Promise<void> {
  const entry = await sys.tokens.byHash(hash);
  if (!entry) return;
  const due = entry.numUses < 0 || (entry.expireTime !== 0 && entry.expireTime <= sys.clock.now());
  if (due) await revokeTree(sys, entry);
  else sys.expiration.track(hash, entry.expireTime);
}

/**
 * Revokes a token whose last use was just spent. Its entry already says so (no lookup finds
 * it), so if storage refuses now, or the node has just sealed, the expiration manager revokes
 * it later: at once while active, or on the next activation.
 */
export async function revokeLastUse(sys: SystemView, entry: TokenEntry): Promise<void> {
  try {
    await revokeTree(sys, entry);
  } catch {
    sys.expiration.track(sys.tokens.hash(entry.id), sys.clock.now());
  }
}

/** Revokes one token and makes its children orphans. */
export async function revokeOrphan(sys: SystemView, entry: TokenEntry): Promise<void> {
  for (const h of await sys.tokens.childHashes(entry)) {
    const child = await sys.tokens.byHash(h.replace(/\/$/, ''));
    if (child) {
      await sys.tokens.remove(child);
      await sys.tokens.save({ ...child, orphan: true, parentHash: '' });
    }
  }
  await revokeOne(sys, entry);
}

async function revokeOne(sys: SystemView, entry: TokenEntry): Promise<void> {
  const h = sys.tokens.hash(entry.id);
  await sys.tokens.remove(entry);
  sys.expiration.forget(h);
  await clearCubbyhole(sys, h);
}
