/**
 * What the token endpoints do: create (with Vault's rules on policies, orphans, TTLs,
 * periods and uses), renew, and revoke (a token and its whole tree, or orphaning the
 * children). Storage layout stays in TokenStore; HTTP shapes in the token engine.
 */
import { newAccessor, newServiceToken } from '../../crypto/index.ts';
import { BadRequestError } from '../errors.ts';
import { clearCubbyhole } from '../engines/kv/cubbyhole-engine.ts';
import type { AuthInfo } from '../request.ts';
import type { VaultNode } from '../vault-node.ts';
import type { TokenEntry } from './token-entry.ts';
import { displayName, durationSeconds, finalPolicies, flag, policyList, stringMap, SYSTEM_MAX_TTL } from './token-params.ts';

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

/** Creates a token for `creator` from a request body; returns the entry and any warnings. */
export async function createToken(node: VaultNode, creator: Creator, body: Record<string, unknown>, opts: { orphanPath: boolean; role?: TokenRole; path: string }): Promise<{ entry: TokenEntry; warnings: string[] }> {
  const { entry: parent, privileged } = creator;
  const role = opts.role;
  if (body.type === 'batch') throw new BadRequestError('batch tokens are not supported by vaultlab');
  let policies = policyList(body.policies) ?? parent.policies.filter((p) => p !== 'root' || parent.policies.includes('root'));
  if (role) {
    if (role.allowed_policies.length && policies.some((p) => p !== 'default' && !role.allowed_policies.includes(p))) throw new BadRequestError('token policies must be a subset of the role\'s allowed policies');
    if (policies.some((p) => role.disallowed_policies.includes(p))) throw new BadRequestError('token policies include a disallowed policy of the role');
  } else if (!privileged && policies.some((p) => p !== 'default' && !parent.policies.includes(p))) {
    throw new BadRequestError('child policies must be subset of parent');
  }
  const noDefault = flag(body.no_default_policy);
  policies = finalPolicies(policies, noDefault);
  const noParent = flag(body.no_parent);
  if (noParent && !privileged && !role?.orphan) throw new BadRequestError('root or sudo privileges required to create orphan token');
  const orphan = opts.orphanPath || noParent || role?.orphan === true;
  let id = newServiceToken();
  if (body.id !== undefined && body.id !== '') {
    if (!parent.policies.includes('root')) throw new BadRequestError('root or sudo privileges required to specify token id');
    if (typeof body.id !== 'string' || body.id.includes('.')) throw new BadRequestError('token IDs can not contain a period');
    id = body.id;
    if (await node.tokens.lookup(id)) throw new BadRequestError('cannot create a token with a duplicate ID');
  }
  const period = role?.token_period || durationSeconds(body.period, 'period');
  if (period && !privileged && !role) throw new BadRequestError('root or sudo privileges required to create periodic token');
  const explicitMax = role?.token_explicit_max_ttl || durationSeconds(body.explicit_max_ttl, 'explicit_max_ttl');
  const isRoot = policies.length === 1 && policies[0] === 'root';
  let ttl = period || durationSeconds(body.ttl ?? body.lease, 'ttl') || (isRoot ? 0 : SYSTEM_MAX_TTL);
  if (explicitMax && (ttl === 0 || ttl > explicitMax)) ttl = explicitMax;
  if (!isRoot) ttl = Math.min(ttl || SYSTEM_MAX_TTL, SYSTEM_MAX_TTL);
  const numUses = Number(body.num_uses ?? 0);
  if (!Number.isInteger(numUses) || numUses < 0) throw new BadRequestError('number of uses cannot be negative');
  const now = node.clock.now();
  const entry: TokenEntry = {
    id,
    accessor: newAccessor(),
    policies,
    path: opts.path,
    meta: stringMap(body.meta),
    displayName: displayName(body.display_name),
    numUses,
    orphan,
    parentHash: orphan ? '' : node.tokens.hash(parent.id),
    creationTime: now,
    creationTtl: ttl,
    explicitMaxTtl: explicitMax,
    period,
    expireTime: ttl ? now + ttl * 1000 : 0,
    lastRenewalTime: 0,
    renewable: role ? role.renewable : body.renewable === undefined ? !isRoot : flag(body.renewable),
    type: 'service',
    role: role?.name ?? '',
  };
  await node.tokens.save(entry);
  const stored = new Set(await node.policies.list());
  const warnings = policies.filter((p) => p !== 'root' && p !== 'default' && !stored.has(p)).map((p) => `Policy "${p}" does not exist`);
  return { entry, warnings };
}

/** Extends a token's lease by `increment` seconds (or its creation TTL), within its limits. */
export async function renewToken(node: VaultNode, entry: TokenEntry, increment: unknown): Promise<TokenEntry> {
  if (!entry.renewable) throw new BadRequestError('lease is not renewable');
  const now = node.clock.now();
  let ttl = entry.period || durationSeconds(increment, 'increment') || entry.creationTtl || SYSTEM_MAX_TTL;
  if (entry.explicitMaxTtl) ttl = Math.min(ttl, Math.max(0, Math.floor((entry.creationTime + entry.explicitMaxTtl * 1000 - now) / 1000)));
  ttl = Math.min(ttl, Math.max(0, Math.floor((entry.creationTime + SYSTEM_MAX_TTL * 1000 - now) / 1000)) || ttl);
  const renewed: TokenEntry = { ...entry, expireTime: now + ttl * 1000, lastRenewalTime: now };
  await node.tokens.save(renewed);
  return renewed;
}

/** Revokes a token and every descendant (depth first), clearing each one's cubbyhole. */
export async function revokeTree(node: VaultNode, entry: TokenEntry): Promise<void> {
  for (const h of await node.tokens.childHashes(entry)) {
    const child = await node.tokens.byHash(h.replace(/\/$/, ''));
    if (child) await revokeTree(node, child);
  }
  await revokeOne(node, entry);
}

/** Revokes one token and makes its children orphans. */
export async function revokeOrphan(node: VaultNode, entry: TokenEntry): Promise<void> {
  for (const h of await node.tokens.childHashes(entry)) {
    const child = await node.tokens.byHash(h.replace(/\/$/, ''));
    if (child) {
      await node.tokens.remove(child);
      await node.tokens.save({ ...child, orphan: true, parentHash: '' });
    }
  }
  await revokeOne(node, entry);
}

async function revokeOne(node: VaultNode, entry: TokenEntry): Promise<void> {
  const h = node.tokens.hash(entry.id);
  await node.tokens.remove(entry);
  await clearCubbyhole(node, h);
}
