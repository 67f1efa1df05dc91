/**
 * The token a successful login gets (Vault's handleLoginRequest): orphan, renewable, with the
 * method's policies (sanitized, plus default unless the method says not), its TTLs within the
 * mount's and the system's, and its path and display name. Identity is not built here, so
 * no entity is created and entity_id stays "".
 */
import { newAccessor, newServiceToken } from '../../../crypto/index.ts';
import { StorageKeys } from '../../../storage/index.ts';
import { BadRequestError } from '../../errors.ts';
import { effectiveTtls, type MountEntry } from '../mounts.ts';
import type { SystemView } from '../system-view.ts';
import type { TokenEntry } from './token-entry.ts';
import { revokeTree } from './token-service.ts';

/** What an auth method grants (logical.Auth, as the method filled it in). */
export interface LoginGrant {
  policies: string[];
  noDefaultPolicy: boolean;
  /** Seconds; 0 = the mount's default. */
  ttl: number;
  /** Seconds; 0 = the mount's max. */
  maxTtl: number;
  explicitMaxTtl: number;
  period: number;
  numUses: number;
  boundCidrs: string[];
  metadata: Record<string, string>;
  /** The method's display name ('alice'), prefixed with the mount's ('userpass-alice'). */
  displayName: string;
}

/** policyutil.SanitizePolicies: trimmed, lower-cased, deduplicated, sorted, with default unless refused. */
export function sanitizePolicies(policies: string[], addDefault: boolean): string[] {
  const set = new Set(policies.map((p) => p.trim().toLowerCase()).filter(Boolean));
  if (addDefault && !set.has('root')) set.add('default');
  return [...set].sort();
}

/** The lease of a login token: Vault's CalculateTTL with the mount's TTLs. */
function loginLease(mount: MountEntry, g: LoginGrant): { ttl: number; maxTtl: number } {
  const sys = effectiveTtls(mount);
  let maxTtl = g.maxTtl > 0 && g.maxTtl < sys.maxTtl ? g.maxTtl : sys.maxTtl;
  if (g.explicitMaxTtl > 0 && g.explicitMaxTtl < maxTtl) maxTtl = g.explicitMaxTtl;
  if (g.period > 0) return { ttl: g.explicitMaxTtl > 0 ? Math.min(g.period, g.explicitMaxTtl) : g.period, maxTtl: 0 };
  const ttl = Math.min(g.ttl || sys.defaultTtl, maxTtl);
  return { ttl, maxTtl };
}

/** Creates and stores the token of a login at `path` (e.g. auth/userpass/login/alice) on `mount`. */
export async function issueLoginToken(sys: SystemView, mount: MountEntry, path: string, g: LoginGrant): Promise<TokenEntry> {
  const policies = sanitizePolicies(g.policies, !g.noDefaultPolicy);
  if (policies.includes('root')) throw new BadRequestError('auth methods cannot create root tokens');
  const { ttl, maxTtl } = loginLease(mount, g);
  const now = sys.clock.now();
  const source = mount.path.slice('auth/'.length).replaceAll('/', '-');
  const entry: TokenEntry = {
    id: newServiceToken(),
    accessor: newAccessor(),
    policies,
    path,
    meta: g.metadata,
    displayName: `${source}${g.displayName}`.replace(/-$/, ''),
    numUses: g.numUses,
    orphan: true,
    parentHash: '',
    creationTime: now,
    creationTtl: ttl,
    explicitMaxTtl: g.explicitMaxTtl,
    period: g.period,
    expireTime: now + ttl * 1000,
    lastRenewalTime: 0,
    renewable: true,
    type: 'service',
    role: '',
    maxTtl,
    boundCidrs: g.boundCidrs.length ? g.boundCidrs : undefined,
  };
  await sys.tokens.save(entry);
  sys.expiration.track(sys.tokens.hash(entry.id), entry.expireTime);
  return entry;
}

/** Revokes every token whose path starts with `prefix` (Vault's RevokePrefix when an auth method is disabled). */
export async function revokeByPathPrefix(sys: SystemView, prefix: string): Promise<void> {
  for (const h of await sys.storage.list(StorageKeys.tokenIdPrefix)) {
    const e = await sys.tokens.byHash(h);
    if (e && e.path.startsWith(prefix)) await revokeTree(sys, e);
  }
}
