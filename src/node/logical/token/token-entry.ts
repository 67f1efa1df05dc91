/**
 * The token entry as stored (JSON through the barrier, under the token's salted hash)
 * and the lookup view Vault returns for it. Times are ms since the epoch in storage;
 * the wire shapes convert to Vault's seconds and RFC 3339 strings.
 */

/** A token as the token store keeps it. */
export interface TokenEntry {
  id: string;
  accessor: string;
  policies: string[];
  /** Creation path, e.g. `auth/token/create` or `auth/token/root`. */
  path: string;
  meta: Record<string, string> | null;
  displayName: string;
  /** Uses left; 0 = unlimited. */
  numUses: number;
  orphan: boolean;
  /** The parent token's salted hash ('' for orphans). */
  parentHash: string;
  creationTime: number;
  /** TTL granted at creation, seconds (0 = never expires). */
  creationTtl: number;
  explicitMaxTtl: number;
  period: number;
  /** Absolute expiry in ms; 0 = never. */
  expireTime: number;
  lastRenewalTime: number;
  renewable: boolean;
  type: 'service' | 'batch';
  role: string;
  /** A login token's max TTL in seconds from creation (the method's or the mount's); renewals stop there. */
  maxTtl?: number;
  /** token_bound_cidrs of the method that issued it: the token works only from these addresses. */
  boundCidrs?: string[];
}

/** The `data` of a token lookup, in Vault's field names. */
export function lookupView(entry: TokenEntry, now: number, opts: { hideId?: boolean } = {}): Record<string, unknown> {
  const ttl = entry.expireTime ? Math.max(0, Math.floor((entry.expireTime - now) / 1000)) : 0;
  const view: Record<string, unknown> = {
    accessor: entry.accessor,
    creation_time: Math.floor(entry.creationTime / 1000),
    creation_ttl: entry.creationTtl,
    display_name: entry.displayName,
    entity_id: '',
    expire_time: entry.expireTime ? new Date(entry.expireTime).toISOString() : null,
    explicit_max_ttl: entry.explicitMaxTtl,
    id: opts.hideId ? '' : entry.id,
    issue_time: new Date(entry.creationTime).toISOString(),
    meta: entry.meta,
    num_uses: entry.numUses,
    orphan: entry.orphan,
    path: entry.path,
    policies: entry.policies,
    renewable: entry.renewable,
    ttl,
    type: entry.type,
  };
  if (entry.period) view.period = entry.period;
  if (entry.role) view.role = entry.role;
  if (entry.boundCidrs?.length) view.bound_cidrs = entry.boundCidrs;
  if (entry.lastRenewalTime) {
    view.last_renewal_time = Math.floor(entry.lastRenewalTime / 1000);
    view.last_renewal = new Date(entry.lastRenewalTime).toISOString();
  }
  return view;
}
